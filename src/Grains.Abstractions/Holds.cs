namespace Ticketing.Grains.Abstractions;

/// <summary>How far a best-available request may compromise inside one block.</summary>
[GenerateSerializer, Alias("BestAvailableMode")]
public enum BestAvailableMode
{
    /// <summary>Only adjacent seats in one row (general admission: the whole quantity).</summary>
    AdjacentInRow,

    /// <summary>Any seats of the block, as long as the block has the whole quantity.</summary>
    AnyInBlock,

    /// <summary>As many as the block has, up to the quantity: one part of a hold spread over blocks.</summary>
    AsManyAsAvailable,
}

[GenerateSerializer, Alias("HoldRefusal")]
public enum HoldRefusal
{
    None,
    SeatsTaken,
    NotEnoughSeats,
    NotOnSale,
}

/// <summary>
/// What one seat block answered to a hold. <see cref="ExpiresAt"/> is when the block's hold really ends: a retried hold
/// gets the first attempt's expiry, not the one it asked for.
/// </summary>
[GenerateSerializer, Immutable, Alias("BlockHoldResult")]
public sealed record BlockHoldResult(
    [property: Id(0)] HoldRefusal Refusal,
    [property: Id(1)] IReadOnlyList<SeatPosition> Seats,
    [property: Id(2)] int Quantity,
    [property: Id(3)] IReadOnlyList<SeatPosition> Unavailable,
    [property: Id(4)] int Free,
    [property: Id(5)] DateTimeOffset? ExpiresAt = null)
{
    public bool Succeeded => Refusal == HoldRefusal.None;

    public static BlockHoldResult Held(IReadOnlyList<SeatPosition> seats, int quantity, int free, DateTimeOffset? expiresAt = null) =>
        new(HoldRefusal.None, seats, quantity, [], free, expiresAt);

    public static BlockHoldResult Refused(HoldRefusal refusal, int free, IReadOnlyList<SeatPosition>? unavailable = null) =>
        new(refusal, [], 0, unavailable ?? [], free);
}

/// <summary>What a customer's quota answered to a new hold: granted or not, and the seats counted before it.</summary>
[GenerateSerializer, Immutable, Alias("QuotaReservation")]
public sealed record QuotaReservation([property: Id(0)] bool Granted, [property: Id(1)] int SeatsInUse);

public static class CustomerQuotaKey
{
    public static string Format(Guid eventId, string customerId) => $"{eventId:N}/{customerId}";
}
