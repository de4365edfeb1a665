namespace Ticketing.Grains.Abstractions;

[GenerateSerializer, Alias("BookingStatus")]
public enum BookingStatus
{
    Held,
    Released,
    Expired,
}

[GenerateSerializer, Immutable, Alias("Money")]
public sealed record Money([property: Id(0)] decimal Amount, [property: Id(1)] string Currency);

/// <summary>Specific seats that one block must hold.</summary>
[GenerateSerializer, Immutable, Alias("BlockSeats")]
public sealed record BlockSeats(
    [property: Id(0)] BlockDefinition Block,
    [property: Id(1)] IReadOnlyList<SeatPosition> Seats);

/// <summary>
/// A booking request already routed from the event's layout: either specific seats grouped by block, or a
/// quantity with the section's blocks as candidates. The booking grain only talks to these blocks.
/// </summary>
[GenerateSerializer, Immutable, Alias("BookingPlan")]
public sealed record BookingPlan(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string Email,
    [property: Id(2)] string RequestFingerprint,
    [property: Id(3)] TimeSpan HoldDuration,
    [property: Id(4)] Money Total,
    [property: Id(5)] string? Section,
    [property: Id(6)] int Quantity,
    [property: Id(7)] IReadOnlyList<BlockSeats> SpecificSeats,
    [property: Id(8)] IReadOnlyList<BlockDefinition> CandidateBlocks)
{
    public bool IsBestAvailable => SpecificSeats.Count == 0;
}

[GenerateSerializer, Immutable, Alias("BookingView")]
public sealed record BookingView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid EventId,
    [property: Id(2)] BookingStatus Status,
    [property: Id(3)] string Email,
    [property: Id(4)] IReadOnlyList<string> Seats,
    [property: Id(5)] string? Section,
    [property: Id(6)] int Quantity,
    [property: Id(7)] DateTimeOffset ExpiresAt,
    [property: Id(8)] Money Total,
    [property: Id(9)] DateTimeOffset CreatedAt);

[GenerateSerializer, Alias("BookingError")]
public enum BookingError
{
    None,
    NotOnSale,
    SeatsUnavailable,
    IdempotencyKeyReused,
}

[GenerateSerializer, Immutable, Alias("BookingResult")]
public sealed record BookingResult(
    [property: Id(0)] BookingView? Booking,
    [property: Id(1)] BookingError Error,
    [property: Id(2)] IReadOnlyList<string> UnavailableSeats,
    [property: Id(3)] string? Message)
{
    public static BookingResult Ok(BookingView booking) => new(booking, BookingError.None, [], null);

    public static BookingResult Fail(BookingError error, string message, IReadOnlyList<string>? unavailableSeats = null) =>
        new(null, error, unavailableSeats ?? [], message);
}
