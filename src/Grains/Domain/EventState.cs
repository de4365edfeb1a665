using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

[GenerateSerializer, Alias("EventState")]
public sealed class EventState
{
    [Id(0)] public EventDefinition? Definition { get; set; }

    [Id(1)] public EventStatus Status { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Set (and stored) before a publish opens the first block: blocks keep the first definition they are opened with,
    /// so from then on the layout must not change, even if that publish failed half-way and the event is still a Draft.
    /// </summary>
    [Id(3)] public bool PublishStarted { get; set; }

    public bool Exists => Definition is not null;

    /// <summary>Only a draft whose blocks were never opened may change its description and layout.</summary>
    public bool LayoutIsFrozen => Status != EventStatus.Draft || PublishStarted;

    /// <summary>Whether any of the event's blocks may have been opened, and so may need closing.</summary>
    public bool BlocksMayBeOpen => Status != EventStatus.Draft || PublishStarted;
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
