namespace Ticketing.RowLockBaseline;

// The part of Ticketing.Api's REST contract the load generator uses, with the same JSON shapes.
// Requests bind every field as nullable so that a missing field is a 400 naming it, not a default value.

public sealed record CreateEventRequest(
    string? Name,
    string? Description,
    string? Venue,
    DateTimeOffset? StartsAt,
    string? Currency,
    int? HoldSeconds,
    List<SectionRequest?>? Sections);

public sealed record SectionRequest(string? Id, string? Name, int? Rows, int? SeatsPerRow, int? Capacity, decimal? Price);

public sealed record CreateBookingRequest(string? Email, List<string?>? Seats, string? Section, int? Quantity);

public sealed record PaymentRequest(string? PaymentToken);

public enum SectionKind
{
    Seated,
    GeneralAdmission,
}

public enum EventStatus
{
    Draft,
    OnSale,
    SalesClosed,
    Cancelled,
}

public enum SeatStatus
{
    Free,
    Held,
    Sold,
}

public enum BookingStatus
{
    Held,
    Released,
    Expired,
    Confirmed,
    PaymentFailed,
    Cancelled,
}

public enum PaymentStatus
{
    Succeeded,
    Declined,
}

public sealed record AvailabilityResponse(int Capacity, int Free, int Held, int Sold);

public sealed record SectionResponse(
    string Id,
    string Name,
    SectionKind Kind,
    int? Rows,
    int? SeatsPerRow,
    int Capacity,
    decimal Price,
    AvailabilityResponse? Availability);

public sealed record EventResponse(
    Guid Id,
    string Name,
    string? Description,
    string Venue,
    DateTimeOffset StartsAt,
    string Currency,
    int HoldSeconds,
    EventStatus Status,
    DateTimeOffset CreatedAt,
    IReadOnlyList<SectionResponse> Sections);

public sealed record SeatResponse(string Id, int Row, int Number, SeatStatus Status);

public sealed record MoneyResponse(decimal Amount, string Currency);

public sealed record PaymentResponse(
    string Id,
    MoneyResponse Amount,
    PaymentStatus Status,
    string? GatewayReference,
    string? Reason,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);

public sealed record TicketResponse(Guid Id, string Seat, string Code);

public sealed record BookingResponse(
    Guid Id,
    Guid EventId,
    BookingStatus Status,
    string Email,
    IReadOnlyList<string> Seats,
    string? Section,
    int Quantity,
    DateTimeOffset ExpiresAt,
    MoneyResponse Total,
    DateTimeOffset CreatedAt,
    PaymentResponse? Payment,
    IReadOnlyList<PaymentResponse> Refunds,
    IReadOnlyList<TicketResponse> Tickets,
    string? Reason);
