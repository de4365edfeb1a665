using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

public sealed record MoneyResponse(decimal Amount, string Currency)
{
    public static MoneyResponse From(Money money) => new(money.Amount, money.Currency);
}

public sealed record PaymentResponse(
    string Id,
    MoneyResponse Amount,
    PaymentStatus Status,
    string? GatewayReference,
    string? Reason,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt)
{
    public static PaymentResponse From(PaymentRecord p) =>
        new(p.Id, MoneyResponse.From(p.Amount), p.Status, p.GatewayReference, p.Reason, p.Attempts, p.CreatedAt, p.CompletedAt);
}

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
    string? Reason)
{
    public static BookingResponse From(BookingView b) =>
        new(b.Id, b.EventId, b.Status, b.Email, b.Seats, b.Section, b.Quantity, b.ExpiresAt, MoneyResponse.From(b.Total), b.CreatedAt,
            b.Payment is null ? null : PaymentResponse.From(b.Payment),
            b.Refunds.Select(PaymentResponse.From).ToList(),
            b.Tickets.Select(t => new TicketResponse(t.Id, t.Seat, t.Code)).ToList(),
            b.Reason);
}
