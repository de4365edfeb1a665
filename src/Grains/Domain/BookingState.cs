using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

/// <summary>A booking as persisted, and the rule that turns an unpaid hold into Expired on time.</summary>
[GenerateSerializer, Alias("BookingState")]
public sealed class BookingState
{
    [Id(0)] public Guid EventId { get; set; }

    [Id(1)] public string Email { get; set; } = "";

    /// <summary>The request this booking was created from, to tell a retry from a reuse of its idempotency key.</summary>
    [Id(2)] public string? RequestFingerprint { get; set; }

    [Id(3)] public BookingStatus Status { get; set; }

    [Id(4)] public List<string> Seats { get; set; } = [];

    [Id(5)] public string? Section { get; set; }

    [Id(6)] public int Quantity { get; set; }

    [Id(7)] public DateTimeOffset ExpiresAt { get; set; }

    [Id(8)] public Money Total { get; set; } = new(0, "");

    [Id(9)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The blocks holding this booking's seats, to release them.</summary>
    [Id(10)] public List<BlockDefinition> Blocks { get; set; } = [];

    [Id(11)] public DateTimeOffset? EndedAt { get; set; }

    public bool Exists => RequestFingerprint is not null;

    public bool IsHeldAt(DateTimeOffset now) => Status == BookingStatus.Held && now < ExpiresAt;

    /// <summary>A hold whose time has passed is Expired, whether or not the expiry timer has run yet.</summary>
    public BookingStatus StatusAt(DateTimeOffset now) =>
        Status == BookingStatus.Held && now >= ExpiresAt ? BookingStatus.Expired : Status;

    /// <summary>Records the end of the hold by expiry if it is due; true when that changed the state.</summary>
    public bool ExpireIfDue(DateTimeOffset now)
    {
        if (StatusAt(now) != BookingStatus.Expired || Status == BookingStatus.Expired)
        {
            return false;
        }

        Status = BookingStatus.Expired;
        EndedAt = ExpiresAt;
        return true;
    }

    public BookingView ToView(Guid id, DateTimeOffset now) =>
        new(id, EventId, StatusAt(now), Email, Seats, Section, Quantity, ExpiresAt, Total, CreatedAt);
}
