using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Hosting.Streams;

/// <summary>
/// Publishes booking events onto the Orleans stream of their event, gathered: every event queued while a batch is
/// on its way goes in the next one, one stream call per event stream and batch instead of one per transition (a
/// book-and-release makes two). One loop per silo keeps each stream's order. The stream is not durable, so a failed
/// publish is logged, not thrown at the booking whose durable change caused it.
/// </summary>
public sealed partial class StreamBookingEventPublisher : IBookingEventPublisher, IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly Channel<(BookingEvent Event, TaskCompletionSource Sent)> _queue =
        Channel.CreateUnbounded<(BookingEvent, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceProvider _services;
    private readonly ILogger<StreamBookingEventPublisher> _logger;
    private readonly Lazy<Task> _loop;

    public StreamBookingEventPublisher(IServiceProvider services, ILogger<StreamBookingEventPublisher> logger)
    {
        (_services, _logger) = (services, logger);
        // Started by the first event: the stream provider is not ready while the silo is still being built.
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    public Task Publish(BookingEvent bookingEvent)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((bookingEvent, sent)))
        {
            return Task.CompletedTask; // shutting down: nothing durable depends on the event
        }

        _ = _loop.Value;
        return sent.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            await _loop.Value;
        }
    }

    private async Task RunAsync()
    {
        IStreamProvider? provider = null;
        var batch = new List<(BookingEvent Event, TaskCompletionSource Sent)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            foreach (var stream in batch.GroupBy(item => item.Event.EventId))
            {
                try
                {
                    provider ??= _services.GetRequiredKeyedService<IStreamProvider>(ProviderNames.BookingEvents);
                    await provider.GetStream<BookingEvent>(StreamId.Create(BookingStreams.Namespace, stream.Key))
                        .OnNextBatchAsync(stream.Select(item => item.Event).ToList());
                }
                catch (Exception e)
                {
                    LogPublishFailed(_logger, e, stream.Count(), stream.Key);
                }
            }

            // Sent or logged: either way the grains waiting on them (to deactivate) may go on.
            foreach (var (_, sent) in batch)
            {
                sent.TrySetResult();
            }

            batch.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Count} booking events of event {EventId}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count, Guid eventId);
}
