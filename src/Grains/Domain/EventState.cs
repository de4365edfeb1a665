using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

[GenerateSerializer, Alias("EventState")]
public sealed class EventState
{
    [Id(0)] public EventDefinition? Definition { get; set; }

    [Id(1)] public EventStatus Status { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The organizer (token subject) who created the event and alone may change it.</summary>
    [Id(3)] public string? OwnerId { get; set; }

    /// <summary>Once cancelled: the bookings still to cancel, worked off in the background a batch at a time.</summary>
    [Id(4)] public List<Guid>? BookingsToCancel { get; set; }

    [Id(5)] public int BookingsCancelled { get; set; }

    public bool Exists => Definition is not null;

    public EventCancellation? Cancellation => Status == EventStatus.Cancelled && BookingsToCancel is { } pending
        ? new EventCancellation(BookingsCancelled + pending.Count, BookingsCancelled, pending.Count == 0)
        : null;
}

/// <summary>The event's sales lifecycle: Draft → OnSale → SalesClosed | Cancelled. Only a draft can change.</summary>
public static class EventLifecycle
{
    public static bool CanMove(EventStatus from, EventStatus to) => (from, to) switch
    {
        (EventStatus.Draft, EventStatus.OnSale) => true,
        (EventStatus.OnSale, EventStatus.SalesClosed) => true,
        (EventStatus.Draft or EventStatus.OnSale or EventStatus.SalesClosed, EventStatus.Cancelled) => true,
        _ => false,
    };
}
