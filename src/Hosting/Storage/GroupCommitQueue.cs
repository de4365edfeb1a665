using System.Threading.Channels;

namespace Ticketing.Hosting.Storage;

/// <summary>
/// Group commit across callers: work queued while a batch is running is taken together as the next batch, so the
/// batch size follows the load without any waiting at low load (a lone item goes at once). A fixed number of
/// workers each run one batch at a time; <paramref name="executeBatch"/> answers every item of its batch itself and
/// must not throw.
/// </summary>
public sealed class GroupCommitQueue<T> : IAsyncDisposable
{
    private readonly Channel<T> _queue;
    private readonly Func<IReadOnlyList<T>, Task> _executeBatch;
    private readonly int _maxBatchSize;
    private readonly Task[] _workers;

    public GroupCommitQueue(Func<IReadOnlyList<T>, Task> executeBatch, int maxBatchSize, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _executeBatch = executeBatch;
        _maxBatchSize = maxBatchSize;
        _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = workers == 1 });
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>Queues one item; false once the queue is closed.</summary>
    public bool TryEnqueue(T item) => _queue.Writer.TryWrite(item);

    /// <summary>Takes no more items, and waits for the batches of those already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    private async Task RunAsync()
    {
        var batch = new List<T>(_maxBatchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count > 0)
            {
                await _executeBatch(batch);
                batch.Clear();
            }
        }
    }
}
