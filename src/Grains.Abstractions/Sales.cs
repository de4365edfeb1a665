using Orleans.Concurrency;

namespace Ticketing.Grains.Abstractions;

/// <summary>
/// An event's sales as its organizer follows them: how many bookings reached each outcome, the seats sold and the
/// takings net of cancellations, and the tickets checked in. A projection of the event's integration events (so it
/// lags the bookings by the stream's delivery, normally well under a second); <see cref="EventsApplied"/> and
/// <see cref="LastEventAt"/> say how far it has got.
/// </summary>
[GenerateSerializer, Immutable, Alias("EventSales")]
public sealed record EventSales(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] int Held,
    [property: Id(2)] int Confirmed,
    [property: Id(3)] int Failed,
    [property: Id(4)] int Released,
    [property: Id(5)] int Expired,
    [property: Id(6)] int Cancelled,
    [property: Id(7)] int Refunded,
    [property: Id(8)] int SeatsSold,
    [property: Id(9)] decimal Revenue,
    [property: Id(10)] string? Currency,
    [property: Id(11)] int CheckedIn,
    [property: Id(12)] long EventsApplied,
    [property: Id(13)] DateTimeOffset? LastEventAt);

/// <summary>The sales projection of one event (keyed by the event's id), fed by the event's sales stream.</summary>
[Alias("IEventSalesGrain")]
public interface IEventSalesGrain : IGrainWithGuidKey
{
    [ReadOnly]
    [Alias("Get")]
    Task<EventSales> Get();
}
