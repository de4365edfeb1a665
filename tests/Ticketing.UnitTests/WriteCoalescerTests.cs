using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

public sealed class WriteCoalescerTests
{
    /// <summary>
    /// Runs the test one continuation at a time, in order, as a grain's scheduler does (xUnit's own context runs
    /// continuations on several threads, which no grain ever sees).
    /// </summary>
    private static Task OnGrainLikeScheduler(Func<Task> test) =>
        Task.Factory.StartNew(test, CancellationToken.None, TaskCreationOptions.None, new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler).Unwrap();

    [Fact]
    public Task Changes_made_while_a_write_is_in_flight_share_the_next_write() => OnGrainLikeScheduler(async () =>
    {
        var writes = new List<TaskCompletionSource>();
        var coalescer = new WriteCoalescer(() =>
        {
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            writes.Add(write);
            return write.Task;
        });

        var first = coalescer.WriteAsync();
        var second = coalescer.WriteAsync();
        var third = coalescer.WriteAsync();
        Assert.Single(writes);

        writes[0].SetResult();
        await first;
        // Let the callers that waited on the first write take their turns.
        for (var turn = 0; turn < 10 && writes.Count < 2; turn++)
        {
            await Task.Yield();
        }

        Assert.Equal(2, writes.Count);
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        writes[1].SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, writes.Count);
    });

    [Fact]
    public async Task A_failed_write_fails_its_callers()
    {
        // Continuations run inline on SetResult, one after another, as they would on a grain's scheduler.
        var coalescer = new WriteCoalescer(() => Task.FromException(new InvalidOperationException("stale")));

        await Assert.ThrowsAsync<InvalidOperationException>(coalescer.WriteAsync);
    }
}
