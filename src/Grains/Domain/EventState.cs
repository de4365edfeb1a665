using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

[GenerateSerializer, Alias("EventState")]
public sealed class EventState
{
    [Id(0)] public EventDefinition? Definition { get; set; }

    [Id(1)] public EventStatus Status { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    public bool Exists => Definition is not null;
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
