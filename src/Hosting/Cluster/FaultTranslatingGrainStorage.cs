using Orleans.Storage;

namespace Ticketing.Hosting.Cluster;

/// <summary>
/// Grain storage whose database and network failures leave as <see cref="Grains.Abstractions.InfrastructureUnavailableException"/>.
/// The incoming call filter cannot see a read that fails while a grain activates (before any grain method runs):
/// Orleans then sends the provider's exception itself to the caller, and an Npgsql exception has no codec, so the
/// caller got a serialization error and the API a 500 (seen by the chaos suite when PostgreSQL refused connections).
/// </summary>
public sealed class FaultTranslatingGrainStorage(IGrainStorage inner) : IGrainStorage, IAsyncDisposable
{
    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Translate(() => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Translate(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Translate(() => inner.ClearStateAsync(stateName, grainId, grainState));

    private static async Task Translate(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception e) when (InfrastructureFaultFilter.ToFault(e) is { } fault)
        {
            throw fault;
        }
    }
}
