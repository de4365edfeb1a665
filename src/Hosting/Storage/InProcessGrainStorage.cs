using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Ticketing.Hosting.Storage;

/// <summary>
/// Grain state kept in this process's memory, for the embedded single-silo default: nothing survives a restart.
/// Orleans' memory storage keeps state in storage grains, which costs a grain call per read and write; this store is
/// a dictionary the silo owns, with the same contract: state is serialized (so a write that fails leaves nothing
/// behind) and every write names the version it read, so a stale writer fails with
/// <see cref="InconsistentStateException"/>. It serves one silo: a multi-silo cluster needs a shared store.
/// </summary>
public sealed class InProcessGrainStorage(string name, IGrainStorageSerializer serializer, IActivatorProvider activators) : IGrainStorage
{
    private readonly ConcurrentDictionary<(GrainId Grain, string State), StoredState> _states = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((grainId, stateName), out var stored))
        {
            grainState.State = stored.Payload is { } payload ? serializer.Deserialize<T>(payload) ?? Create<T>() : Create<T>();
            grainState.RecordExists = stored.Payload is not null;
            grainState.ETag = Format(stored.Version);
        }
        else
        {
            grainState.State = Create<T>();
            grainState.RecordExists = false;
            grainState.ETag = null;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var written = Swap((grainId, stateName), grainState.ETag, serializer.Serialize(grainState.State));
        grainState.ETag = Format(written.Version);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    /// <summary>Keeps the entry with no payload, so that its version goes on counting and a stale writer still fails.</summary>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            grainState.ETag = Format(Swap((grainId, stateName), grainState.ETag, null).Version);
        }

        grainState.State = Create<T>();
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private StoredState Swap((GrainId Grain, string State) key, string? expectedETag, BinaryData? payload)
    {
        if (expectedETag is null)
        {
            var first = new StoredState(1, payload);
            return _states.TryAdd(key, first) ? first : throw Stale(key, expectedETag);
        }

        var expected = int.Parse(expectedETag, CultureInfo.InvariantCulture);
        if (!_states.TryGetValue(key, out var current) || current.Version != expected)
        {
            throw Stale(key, expectedETag);
        }

        var next = new StoredState(expected + 1, payload);
        return _states.TryUpdate(key, next, current) ? next : throw Stale(key, expectedETag);
    }

    private InconsistentStateException Stale((GrainId Grain, string State) key, string? expectedETag) =>
        new($"Storage '{name}': {key.State} of {key.Grain} was changed by another writer since version {expectedETag ?? "(none)"} was read.",
            storedEtag: null, currentEtag: expectedETag);

    private T Create<T>() => activators.GetActivator<T>().Create();

    private static string Format(int version) => version.ToString(CultureInfo.InvariantCulture);

    private sealed record StoredState(int Version, BinaryData? Payload);
}
