using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

public sealed record CreateBookingRequest(string? Email, List<string?>? Seats, string? Section, int? Quantity);

public sealed record MoneyResponse(decimal Amount, string Currency);

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
    DateTimeOffset CreatedAt)
{
    public static BookingResponse From(BookingView b) =>
        new(b.Id, b.EventId, b.Status, b.Email, b.Seats, b.Section, b.Quantity, b.ExpiresAt, new MoneyResponse(b.Total.Amount, b.Total.Currency), b.CreatedAt);
}
