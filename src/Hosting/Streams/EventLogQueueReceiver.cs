using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Events;

namespace Ticketing.Hosting.Streams;

/// <summary>
/// Reads one queue's events from the integration event log, from its checkpoint on. It reads every row and keeps those
/// whose stream maps to its queue. The checkpoint moves to the last row the queue cache has delivered (or, with
/// nothing pending, to the last row read), at most every <see cref="EventStreamOptions.CheckpointInterval"/> and at
/// shutdown; after a restart, rows past it are delivered again (at least once). A queue read for the first time starts
/// at the log's end: a new consumer learns what happens from then on, the feed has the past.
/// </summary>
internal sealed partial class EventLogQueueReceiver(
    string consumer, QueueId queue, EventStreamOptions options, IStreamQueueMapper mapper, IIntegrationEventLog log,
    ILogConsumerCursors cursors, ILogger logger, TimeProvider time) : IQueueAdapterReceiver
{
    private readonly Queue<LogCursor> _pending = new();
    private readonly Lock _lock = new();
    private LogCursor _read;
    private LogCursor? _delivered;
    private LogCursor _saved;
    private long _savedAt;

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (await cursors.GetAsync(consumer, cancellationToken) is { } saved)
        {
            _read = _saved = saved;
        }
        else
        {
            // Saved at once, so that events appended before this reader's first checkpoint are not skipped by the next one.
            _read = _saved = await log.GetEndAsync(cancellationToken);
            await cursors.SaveAsync(consumer, _saved, cancellationToken);
        }

        _savedAt = time.GetTimestamp();
        LogStarted(logger, consumer, _read.Transaction, _read.Position);
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var limit = maxCount > 0 ? Math.Min(maxCount, options.ReadBatch) : options.ReadBatch;
        var rows = await log.ReadAsync(_read, limit, cancellationToken);
        var batch = new List<IBatchContainer>();
        lock (_lock)
        {
            foreach (var row in rows)
            {
                if (IntegrationEventStreams.For(row.Event) is { } stream && mapper.GetQueueForStream(stream).Equals(queue))
                {
                    batch.Add(new LogBatchContainer(stream, row.Event, new LogSequenceToken(row.Cursor)));
                    _pending.Enqueue(row.Cursor);
                }
            }

            if (rows.Count > 0)
            {
                _read = rows[^1].Cursor;
            }
        }

        await SaveCheckpointAsync(force: false, cancellationToken);
        return batch;
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <summary>
    /// The cache hands back what it has let go, oldest first; an event whose delivery failed is let go unmentioned,
    /// so everything up to the newest one mentioned is done with.
    /// </summary>
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return Task.CompletedTask;
        }

        var newest = messages.Select(m => ((LogSequenceToken)m.SequenceToken).Cursor).Max();
        lock (_lock)
        {
            while (_pending.TryPeek(out var head) && head.CompareTo(newest) <= 0)
            {
                _pending.Dequeue();
            }

            _delivered = newest;
        }

        return SaveCheckpointAsync(force: false, cancellationToken);
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken) => SaveCheckpointAsync(force: true, cancellationToken);

    private async Task SaveCheckpointAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && time.GetElapsedTime(_savedAt) < options.CheckpointInterval)
        {
            return;
        }

        LogCursor checkpoint;
        lock (_lock)
        {
            checkpoint = _pending.Count == 0 ? _read : _delivered ?? _saved;
        }

        if (checkpoint.CompareTo(_saved) <= 0)
        {
            return;
        }

        try
        {
            await cursors.SaveAsync(consumer, checkpoint, cancellationToken);
            (_saved, _savedAt) = (checkpoint, time.GetTimestamp());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Delivery goes on; a restart before the next save only redelivers more.
            LogCheckpointFailed(logger, e, consumer);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream queue {Consumer} reads the event log from ({Transaction}, {Position})")]
    private static partial void LogStarted(ILogger logger, string consumer, long transaction, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream queue {Consumer} could not save its checkpoint")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string consumer);
}
