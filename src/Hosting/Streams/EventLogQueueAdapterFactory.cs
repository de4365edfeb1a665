using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Events;

namespace Ticketing.Hosting.Streams;

/// <summary>
/// An Orleans persistent stream provider over the integration event log (PostgreSQL's ticketing_events, or the
/// embedded in-memory log): the log is the queue. Every row that names a ticketing event travels on that event's
/// stream (<see cref="IntegrationEventStreams"/>); the streams are spread over <see cref="EventStreamOptions.Queues"/>
/// queues, whose readers the silos share out and which keep their checkpoints beside the log. Writing to a stream
/// appends to the log; the grains write through their outbox instead, in the transaction of their state.
/// </summary>
public sealed class EventLogQueueAdapterFactory(
    string name, EventStreamOptions options, IIntegrationEventLog log, ILogConsumerCursors cursors, ILoggerFactory loggers, TimeProvider time) : IQueueAdapterFactory
{
    private readonly HashRingBasedStreamQueueMapper _mapper = new(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.Queues }, name);
    private readonly SimpleQueueAdapterCache _cache = new(new SimpleQueueCacheOptions { CacheSize = options.CacheSize }, name, loggers);

    /// <summary>For AddPersistentStreams: the factory of the provider called <paramref name="name"/>.</summary>
    public static IQueueAdapterFactory Create(IServiceProvider services, string name) => new EventLogQueueAdapterFactory(
        name, services.GetRequiredService<IOptions<EventStreamOptions>>().Value, services.GetRequiredService<IIntegrationEventLog>(),
        services.GetRequiredService<ILogConsumerCursors>(), services.GetRequiredService<ILoggerFactory>(), TimeProvider.System);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        Task.FromResult<IQueueAdapter>(new EventLogQueueAdapter(name, options, _mapper, log, cursors, loggers.CreateLogger<EventLogQueueReceiver>(), time));

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <summary>An event a consumer kept refusing is skipped after Orleans' retries (its delivery time); the log still has it.</summary>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}

/// <summary>Writes go to the log; each queue gets a reader of the log.</summary>
internal sealed class EventLogQueueAdapter(
    string name, EventStreamOptions options, IStreamQueueMapper mapper, IIntegrationEventLog log, ILogConsumerCursors cursors, ILogger logger, TimeProvider time) : IQueueAdapter
{
    public string Name => name;

    /// <summary>Only within what the queue cache still holds: older positions are in the log (the feed), not on the stream.</summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        var recorded = new List<IntegrationEvent>();
        foreach (var item in events)
        {
            if (item is not IntegrationEvent e || IntegrationEventStreams.For(e) != streamId)
            {
                throw new ArgumentException($"The event log's streams carry integration events of their own stream ({streamId}), not {item}.", nameof(events));
            }

            recorded.Add(e);
        }

        return log.AppendAsync(recorded);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new EventLogQueueReceiver($"stream/{name}/{queueId.GetNumericId()}", queueId, options, mapper, log, cursors, logger, time);
}
