using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

[GenerateSerializer, Alias("EventState")]
public sealed class EventState : IHasOutbox
{
    [Id(0)] public EventDefinition? Definition { get; set; }

    [Id(1)] public EventStatus Status { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The organizer (token subject) who created the event and alone may change it.</summary>
    [Id(3)] public string? OwnerId { get; set; }

    /// <summary>Once cancelled: the bookings still to cancel, worked off in the background a batch at a time.</summary>
    [Id(4)] public List<Guid>? BookingsToCancel { get; set; }

    [Id(5)] public int BookingsCancelled { get; set; }

    /// <summary>Integration events of this event not yet recorded in the event log (the grain storage records them).</summary>
    [Id(50)] public List<IntegrationEvent> Outbox { get; set; } = [];

    /// <summary>The sequence number of the event's last integration event.</summary>
    [Id(51)] public long EventSequence { get; set; }


    public bool Exists => Definition is not null;

    public EventCancellation? Cancellation => Status == EventStatus.Cancelled && BookingsToCancel is { } pending
        ? new EventCancellation(BookingsCancelled + pending.Count, BookingsCancelled, pending.Count == 0)
        : null;

    /// <summary>
    /// Set (and stored) before a publish opens the first block: blocks keep the first definition they are opened with,
    /// so from then on the layout must not change, even if that publish failed half-way and the event is still a Draft.
    /// </summary>
    [Id(6)] public bool PublishStarted { get; set; }

    /// <summary>The subjects (token "sub") of the staff the organizer assigned to scan tickets at this event's gates.</summary>
    [Id(40)] public List<string> Staff { get; set; } = [];

    /// <summary>Staff an event may have, at most.</summary>
    public const int MaxStaff = 1_000;

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
