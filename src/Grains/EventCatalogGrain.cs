using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains;

[GenerateSerializer, Alias("EventCatalogState")]
public sealed class EventCatalogState
{
    /// <summary>Events in the order they were created.</summary>
    [Id(0)] public List<EventSummary> Events { get; set; } = [];
}

/// <summary>
/// The browsable list of events. Written only when an event is created or changes status, so one grain serves
/// for the whole catalogue.
/// </summary>
public sealed class EventCatalogGrain(
    [PersistentState("eventCatalog", ProviderNames.GrainState)] IPersistentState<EventCatalogState> state) : Grain, IEventCatalogGrain
{
    public async Task Upsert(EventSummary summary)
    {
        var events = state.State.Events;
        var index = events.FindIndex(e => e.Id == summary.Id);
        if (index >= 0)
        {
            events[index] = summary;
        }
        else
        {
            events.Add(summary);
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<EventSummary>> List(int skip, int take) =>
        Task.FromResult<IReadOnlyList<EventSummary>>(state.State.Events.Skip(skip).Take(take).ToList());

    public Task<int> Count() => Task.FromResult(state.State.Events.Count);

    public Task<EventPage> ListVisible(string? viewerId, bool allDrafts, int skip, int take)
    {
        var visible = state.State.Events
            .Where(e => e.Status != EventStatus.Draft || allDrafts || (viewerId is not null && e.OwnerId == viewerId))
            .ToList();
        return Task.FromResult(new EventPage(visible.Skip(skip).Take(take).ToList(), visible.Count));
    }
}
