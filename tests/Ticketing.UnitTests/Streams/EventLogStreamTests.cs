using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Streams;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Events;
using Ticketing.Hosting.Streams;

namespace Ticketing.UnitTests.Streams;

/// <summary>The stream provider over the integration event log, on the in-memory log: what each queue reads, and where it resumes.</summary>
public sealed class EventLogStreamTests
{
    private readonly InMemoryIntegrationEventLog _log = new();
    private readonly InMemoryLogConsumerCursors _cursors = new();
    private long _sequence;

    private EventLogQueueAdapterFactory Factory(int queues = 1) => new("events", new EventStreamOptions { Queues = queues, CheckpointInterval = TimeSpan.Zero },
        _log, _cursors, NullLoggerFactory.Instance, TimeProvider.System);

    private IntegrationEvent Event(Guid eventId, string type = IntegrationEventTypes.BookingHeld) =>
        IntegrationEvent.Create(type, DateTimeOffset.UnixEpoch, "booking-" + eventId, ++_sequence, "{}", eventId);

    private async Task<IQueueAdapterReceiver> StartAsync(EventLogQueueAdapterFactory factory, QueueId queue)
    {
        var receiver = (await factory.CreateAdapter(CancellationToken.None)).CreateReceiver(queue);
        await receiver.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
        return receiver;
    }

    private static List<LogBatchContainer> Read(IList<IBatchContainer> batch) => batch.Cast<LogBatchContainer>().ToList();

    [Fact]
    public async Task A_queue_read_for_the_first_time_starts_at_the_end_of_the_log_and_keeps_that_place()
    {
        var show = Guid.NewGuid();
        await _log.AppendAsync([Event(show), Event(show)]);
        var factory = Factory();
        var queue = factory.GetStreamQueueMapper().GetAllQueues().Single();

        var receiver = await StartAsync(factory, queue);
        Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        Assert.Equal(new LogCursor(0, 2), await _cursors.GetAsync($"stream/events/{queue.GetNumericId()}"));

        var later = Event(show);
        await _log.AppendAsync([later]);
        var batch = Read(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        Assert.Equal([later.Id], batch.Select(b => b.Event.Id));
        Assert.Equal(IntegrationEventStreams.SalesOf(show), batch[0].StreamId);
        Assert.Equal(new LogCursor(0, 3), batch[0].Token.Cursor);
    }

    [Fact]
    public async Task After_a_restart_a_queue_delivers_again_everything_its_cache_had_not_delivered_and_nothing_before()
    {
        var show = Guid.NewGuid();
        var factory = Factory();
        var queue = factory.GetStreamQueueMapper().GetAllQueues().Single();
        var receiver = await StartAsync(factory, queue);
        var events = Enumerable.Range(0, 5).Select(_ => Event(show)).ToList();
        await _log.AppendAsync(events);

        var batch = await receiver.GetQueueMessagesAsync(100, CancellationToken.None);
        Assert.Equal(events.Select(e => e.Id), Read(batch).Select(b => b.Event.Id));
        await receiver.MessagesDeliveredAsync(batch.Take(2).ToList(), CancellationToken.None);
        await receiver.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);

        var restarted = await StartAsync(Factory(), queue);
        var again = Read(await restarted.GetQueueMessagesAsync(100, CancellationToken.None));
        Assert.Equal(events.Skip(2).Select(e => e.Id), again.Select(b => b.Event.Id));

        // Once everything read is delivered, the checkpoint moves to the last row read.
        await restarted.MessagesDeliveredAsync(again.Cast<IBatchContainer>().ToList(), CancellationToken.None);
        await restarted.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Empty(await (await StartAsync(Factory(), queue)).GetQueueMessagesAsync(100, CancellationToken.None));
    }

    [Fact]
    public async Task Every_stream_belongs_to_exactly_one_of_the_queues_and_rows_without_an_event_go_on_no_stream()
    {
        var factory = Factory(queues: 4);
        var queues = factory.GetStreamQueueMapper().GetAllQueues().ToList();
        Assert.Equal(4, queues.Count);
        var receivers = new List<IQueueAdapterReceiver>();
        foreach (var queue in queues)
        {
            receivers.Add(await StartAsync(factory, queue));
        }

        var shows = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var events = shows.SelectMany(show => new[] { Event(show), Event(show, IntegrationEventTypes.EventPublished), Event(show) }).ToList();
        await _log.AppendAsync([.. events, Event(Guid.Empty)]);

        var read = new List<(QueueId Queue, LogBatchContainer Batch)>();
        for (var i = 0; i < queues.Count; i++)
        {
            read.AddRange(Read(await receivers[i].GetQueueMessagesAsync(1000, CancellationToken.None)).Select(b => (queues[i], b)));
        }

        Assert.Equal(events.Select(e => e.Id).Order(), read.Select(r => r.Batch.Event.Id).Order());
        Assert.All(read.GroupBy(r => r.Batch.StreamId), stream => Assert.Single(stream.Select(r => r.Queue).Distinct()));
        Assert.All(read, r => Assert.Equal(factory.GetStreamQueueMapper().GetQueueForStream(r.Batch.StreamId), r.Queue));
        Assert.All(read.Where(r => r.Batch.Event.Type == IntegrationEventTypes.EventPublished),
            r => Assert.Equal(StreamId.Create(IntegrationEventStreams.Catalog, r.Batch.Event.EventId), r.Batch.StreamId));
        Assert.True(read.Select(r => r.Queue).Distinct().Count() > 1, "20 events' streams all mapped to one queue of four");
    }

    [Fact]
    public async Task Writing_to_a_stream_appends_to_the_log_and_only_its_own_events_are_accepted()
    {
        var show = Guid.NewGuid();
        var adapter = await Factory().CreateAdapter(CancellationToken.None);
        var held = Event(show);
        await adapter.QueueMessageBatchAsync(IntegrationEventStreams.SalesOf(show), [held], null, null);
        Assert.Equal([held.Id], (await _log.ReadAsync(LogCursor.Start, 10)).Select(l => l.Event.Id));

        await Assert.ThrowsAsync<ArgumentException>(() => adapter.QueueMessageBatchAsync(IntegrationEventStreams.SalesOf(Guid.NewGuid()), [Event(show)], null, null));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.QueueMessageBatchAsync(IntegrationEventStreams.SalesOf(show), ["not an event"], null, null));
        Assert.Single(await _log.ReadAsync(LogCursor.Start, 10));
    }

    [Fact]
    public void Tokens_order_as_the_log_is_read()
    {
        var tokens = new[] { new LogSequenceToken(new LogCursor(7, 1)), new LogSequenceToken(new LogCursor(5, 9)), new LogSequenceToken(new LogCursor(7, 0)) };
        Assert.Equal([new LogCursor(5, 9), new LogCursor(7, 0), new LogCursor(7, 1)], tokens.Order().Select(t => t.Cursor));
        Assert.Equal(new LogSequenceToken(new LogCursor(7, 1)), tokens[0]);
    }
}
