using Orleans.Serialization;
using Orleans.Storage;

namespace Ticketing.Hosting.Storage;

/// <summary>
/// Hands a storage provider a copy of the state taken within the grain's turn. Orleans' ADO.NET provider serializes
/// the state only after its first await, on another thread; a reentrant grain (a seat block) may by then be changing
/// that same state in its next turn, and the write fails ("collection was modified") or stores a torn state. The
/// copy is made before the provider runs, so what it writes is one turn's state.
/// </summary>
public sealed class SnapshotWritesGrainStorage(IGrainStorage inner, DeepCopier copier) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var snapshot = new GrainState<T>(copier.Copy(grainState.State), grainState.ETag) { RecordExists = grainState.RecordExists };
        await inner.WriteStateAsync(stateName, grainId, snapshot);
        (grainState.ETag, grainState.RecordExists) = (snapshot.ETag, snapshot.RecordExists);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
