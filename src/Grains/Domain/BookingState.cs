using System.Security.Cryptography;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Tickets;

namespace Ticketing.Grains.Domain;

/// <summary>What one block holds (or sold) for a booking: specific seats, or a general-admission quantity.</summary>
[GenerateSerializer, Immutable, Alias("BookingPart")]
public sealed record BookingPart(
    [property: Id(0)] BlockDefinition Block,
    [property: Id(1)] IReadOnlyList<SeatPosition> Seats,
    [property: Id(2)] int Quantity);

/// <summary>A booking as persisted, with the rules of its status that need no other grain.</summary>
[GenerateSerializer, Alias("BookingState")]
public sealed class BookingState : IHasOutbox
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

    /// <summary>The blocks holding this booking's seats, with what each holds, to sell, release or hold them again.</summary>
    [Id(10)] public List<BookingPart> Parts { get; set; } = [];

    [Id(11)] public DateTimeOffset? EndedAt { get; set; }

    [Id(12)] public PaymentRecord? Payment { get; set; }

    [Id(13)] public List<PaymentRecord> Refunds { get; set; } = [];

    [Id(14)] public List<Ticket> Tickets { get; set; } = [];

    /// <summary>Why the booking ended as it did (a decline, a lost hold), for the customer.</summary>
    [Id(15)] public string? Reason { get; set; }

    /// <summary>Where a RefundPending booking goes once its refund succeeds: Cancelled or Refunded.</summary>
    [Id(16)] public BookingStatus StatusAfterRefund { get; set; }

    /// <summary>The customer (token subject) who owns the booking; null for bookings made without one.</summary>
    [Id(17)] public string? CustomerId { get; set; }

    /// <summary>Integration events of this booking not yet recorded in the event log (the grain storage records them).</summary>
    [Id(50)] public List<IntegrationEvent> Outbox { get; set; } = [];

    /// <summary>The sequence number of the booking's last integration event.</summary>
    [Id(51)] public long EventSequence { get; set; }


    /// <summary>Whether <paramref name="customerId"/> may see and change the booking; null stands for anyone (an admin).</summary>
    public bool IsOwnedBy(string? customerId) => customerId is null || CustomerId == customerId;

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

    /// <summary>One ticket per seat or general-admission place, each with an unguessable 128-bit code.</summary>
    public void IssueTickets() => IssueTickets(Guid.Empty, null);

    /// <summary>
    /// One ticket per seat or general-admission place. With a signer, each code is a signed ticket code naming the
    /// ticket, the event, the booking and the seat (<see cref="TicketCode"/>); without one, 128 random bits.
    /// </summary>
    public void IssueTickets(Guid bookingId, ITicketSigner? signer)
    {
        var labels = Seats.Count > 0
            ? Seats
            : Enumerable.Range(1, Quantity).Select(n => $"{Section} #{n}").ToList();
        Tickets = labels
            .Select(label => Guid.NewGuid() is var id && signer is not null
                ? new Ticket(id, label, TicketCode.Issue(new TicketClaims(id, EventId, bookingId, label, TicketVersion), signer))
                : new Ticket(id, label, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
                    .TrimEnd('=').Replace('+', '-').Replace('/', '_')))
            .ToList();
    }

    /// <summary>The version issued tickets carry in their codes (a reissue would take the next one).</summary>
    public const byte TicketVersion = 1;

    public BookingView ToView(Guid id, DateTimeOffset now) =>
        new(id, EventId, StatusAt(now), Email, Seats, Section, Quantity, ExpiresAt, Total, CreatedAt, Payment, Refunds, Tickets, Reason, CustomerId);
}
