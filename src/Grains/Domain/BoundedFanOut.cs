namespace Ticketing.Grains.Domain;

/// <summary>
/// Calls many grains with a bounded number of calls in flight. An event of hundreds of sections has thousands of
/// blocks, and opening each one writes its state: all at once they would flood the silos' queues and the database's
/// connections; a window keeps the fan-out fast without that.
/// </summary>
public static class BoundedFanOut
{
    /// <summary>Calls in flight at most, per fan-out: enough to keep every silo busy, few enough for the storage pools.</summary>
    public const int DefaultParallelism = 32;

    /// <summary>Runs <paramref name="call"/> for every item, at most <paramref name="parallelism"/> at a time; the first failure seen is thrown.</summary>
    public static async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> call, int parallelism = DefaultParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelism);
        var inFlight = new List<Task>(parallelism);
        foreach (var item in items)
        {
            if (inFlight.Count == parallelism)
            {
                var finished = await Task.WhenAny(inFlight);
                inFlight.Remove(finished);
                await finished;
            }

            inFlight.Add(call(item));
        }

        await Task.WhenAll(inFlight);
    }
}
