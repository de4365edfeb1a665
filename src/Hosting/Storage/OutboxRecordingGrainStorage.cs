using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Storage;

/// <summary>
/// Records a state's outbox events (<see cref="IHasOutbox"/>) in the integration event log right after the inner
/// storage has written the state, for storages that cannot do both in one transaction (the embedded in-process store,
/// Orleans' memory and ADO.NET providers). The state is written with its events, so events of a write whose
/// recording was cut off (a crash in between, the log unreachable) stay in the stored outbox: the next write, or the
/// next activation's read, records them (the log skips ids it has). An event is therefore recorded at least once,
/// though later than its state when the process dies in between; the PostgreSQL group-commit storage records it in
/// the same transaction instead.
/// </summary>
public sealed class OutboxRecordingGrainStorage(IGrainStorage inner, IIntegrationEventLog log, ILogger? logger = null) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.ReadStateAsync(stateName, grainId, grainState);
        if (grainState.State is IHasOutbox { Outbox.Count: > 0 } outbox)
        {
            // Left over from a write whose recording did not finish.
            await RecordAsync(outbox, outbox.Outbox.ToArray(), grainId);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var outbox = grainState.State as IHasOutbox;
        var events = outbox is { Outbox.Count: > 0 } ? outbox.Outbox.ToArray() : null;
        await inner.WriteStateAsync(stateName, grainId, grainState);
        if (events is not null)
        {
            await RecordAsync(outbox!, events, grainId);
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    /// <summary>The state is stored whatever happens here: a failed recording leaves the events in the outbox for the next write.</summary>
    private async Task RecordAsync(IHasOutbox outbox, IntegrationEvent[] events, GrainId grainId)
    {
        try
        {
            await log.AppendAsync(events);
            outbox.Outbox.RemoveAll(e => Array.IndexOf(events, e) >= 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger?.LogWarning(e, "Grain {GrainId}: {Count} integration events stay in its outbox until its next write", grainId, events.Length);
        }
    }
}
