using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

/// <summary>Bookings of an event by the outcome they reached (a booking counts once per outcome it passed through).</summary>
public sealed record SalesBookingCounts(int Held, int Confirmed, int Failed, int Released, int Expired, int Cancelled, int Refunded);

/// <summary>An event's sales: bookings by outcome, seats sold and takings net of cancellations, tickets checked in, and how far the projection has got.</summary>
public sealed record EventSalesResponse(
    Guid EventId,
    SalesBookingCounts Bookings,
    int SeatsSold,
    decimal Revenue,
    string? Currency,
    int CheckedIn,
    long EventsCounted,
    DateTimeOffset? LastEventAt)
{
    public static EventSalesResponse From(EventSales sales) => new(
        sales.EventId,
        new SalesBookingCounts(sales.Held, sales.Confirmed, sales.Failed, sales.Released, sales.Expired, sales.Cancelled, sales.Refunded),
        sales.SeatsSold, sales.Revenue, sales.Currency, sales.CheckedIn, sales.EventsApplied, sales.LastEventAt);
}
