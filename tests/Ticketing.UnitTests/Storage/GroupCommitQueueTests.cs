using System.Collections.Concurrent;
using Ticketing.Hosting.Storage;

namespace Ticketing.UnitTests.Storage;

public sealed class GroupCommitQueueTests
{
    [Fact]
    public async Task Items_queued_while_a_batch_runs_go_together_into_the_next_one()
    {
        var batches = new ConcurrentQueue<int[]>();
        var firstBatchMayFinish = new TaskCompletionSource();
        var firstBatchStarted = new TaskCompletionSource();
        var done = new ConcurrentDictionary<int, bool>();
        await using (var queue = new GroupCommitQueue<int>(async batch =>
        {
            batches.Enqueue(batch.ToArray());
            if (batches.Count == 1)
            {
                firstBatchStarted.SetResult();
                await firstBatchMayFinish.Task;
            }

            foreach (var item in batch)
            {
                done[item] = true;
            }
        }, maxBatchSize: 100, workers: 1))
        {
            Assert.True(queue.TryEnqueue(0));
            await firstBatchStarted.Task;
            for (var i = 1; i <= 250; i++)
            {
                Assert.True(queue.TryEnqueue(i));
            }

            firstBatchMayFinish.SetResult();
        }

        // Disposing waited for every queued item: the lone first item, then the rest in batches of at most 100.
        Assert.Equal(251, done.Count);
        Assert.Equal([1, 100, 100, 50], batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 251), batches.SelectMany(b => b));
    }

    [Fact]
    public async Task A_closed_queue_takes_nothing_more()
    {
        var queue = new GroupCommitQueue<int>(_ => Task.CompletedTask, maxBatchSize: 10, workers: 2);
        await queue.DisposeAsync();
        Assert.False(queue.TryEnqueue(1));
    }
}
