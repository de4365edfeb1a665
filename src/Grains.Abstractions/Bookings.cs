namespace Ticketing.Grains.Abstractions;

[GenerateSerializer, Alias("BookingStatus")]
public enum BookingStatus
{
    Held,
    Released,
    Expired,
    PaymentPending,
    Confirmed,
    PaymentFailed,
    Cancelled,
    RefundPending,
    Refunded,
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
    [property: Id(8)] IReadOnlyList<BlockDefinition> CandidateBlocks,
    [property: Id(9)] string? CustomerId = null,
    [property: Id(10)] int MaxSeatsPerCustomer = 0)
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
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] PaymentRecord? Payment,
    [property: Id(11)] IReadOnlyList<PaymentRecord> Refunds,
    [property: Id(12)] IReadOnlyList<Ticket> Tickets,
    [property: Id(13)] string? Reason,
    [property: Id(14)] string? CustomerId = null);

[GenerateSerializer, Alias("BookingError")]
public enum BookingError
{
    None,
    NotOnSale,
    SeatsUnavailable,
    IdempotencyKeyReused,

    /// <summary>The customer would hold or own more seats of the event than its maxSeatsPerCustomer.</summary>
    PurchaseLimitReached,
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

[GenerateSerializer, Alias("PaymentKind")]
public enum PaymentKind
{
    Charge,
    Refund,
}

[GenerateSerializer, Alias("PaymentStatus")]
public enum PaymentStatus
{
    Pending,
    Succeeded,
    Declined,
    Failed,
}

/// <summary>One charge or refund as the booking recorded it.</summary>
[GenerateSerializer, Immutable, Alias("PaymentRecord")]
public sealed record PaymentRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] PaymentKind Kind,
    [property: Id(2)] Money Amount,
    [property: Id(3)] PaymentStatus Status,
    [property: Id(4)] string? GatewayReference,
    [property: Id(5)] string? Reason,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset? CompletedAt,
    [property: Id(8)] int Attempts);

/// <summary>A ticket for one seat or one general-admission place; the code is what gets checked in.</summary>
[GenerateSerializer, Immutable, Alias("Ticket")]
public sealed record Ticket([property: Id(0)] Guid Id, [property: Id(1)] string Seat, [property: Id(2)] string Code);

/// <summary>Why a command on an existing booking (pay, cancel) was not carried out as asked.</summary>
[GenerateSerializer, Alias("BookingCommandError")]
public enum BookingCommandError
{
    None,
    NotFound,
    NotPayable,
    Declined,
    GatewayUnavailable,
    GatewayTimeout,

    /// <summary>The charge went through but the seats could not be sold; the payment is refunded.</summary>
    SeatsLost,

    NotCancellable,

    /// <summary>The booking is paid or being paid: releasing it would keep the money; it must be cancelled (refunded).</summary>
    NotReleasable,
}

/// <summary>The answer to a command on an existing booking: the booking as it now stands, and an error if any.</summary>
[GenerateSerializer, Immutable, Alias("BookingCommandResult")]
public sealed record BookingCommandResult(
    [property: Id(0)] BookingView? Booking,
    [property: Id(1)] BookingCommandError Error,
    [property: Id(2)] string? Message);

[GenerateSerializer, Alias("BookingEventKind")]
public enum BookingEventKind
{
    BookingHeld,
    BookingConfirmed,
    BookingReleased,
    BookingExpired,
    PaymentFailed,
    BookingCancelled,
    BookingRefunded,
}
