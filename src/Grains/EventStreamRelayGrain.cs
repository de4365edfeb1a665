using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Grains;

/// <summary>Where the relay has got to in the log.</summary>
[GenerateSerializer, Alias("RelayPosition")]
public sealed class RelayPosition
{
    [Id(0)] public long Transaction { get; set; }

    [Id(1)] public long Position { get; set; }

    public LogCursor Cursor
    {
        get => new(Transaction, Position);
        set => (Transaction, Position) = (value.Transaction, value.Position);
    }
}

/// <summary>
/// The relay of <see cref="EventStreamProviderKind.Memory"/> (and the shape of any provider that does not read the log):
/// every poll it reads the log after its stored position, publishes each stream's rows as one batch, then stores the
/// new position. A crash between publishing and storing publishes those rows again (at least once); a relay that
/// never ran starts at the log's end. A single activation per cluster keeps the order of each stream.
/// </summary>
public sealed partial class EventStreamRelayGrain(
    [PersistentState("relay", ProviderNames.GrainState)] IPersistentState<RelayPosition> state,
    IIntegrationEventLog log,
    IOptions<EventStreamOptions> options,
    ILogger<EventStreamRelayGrain> logger) : Grain, IEventStreamRelayGrain
{
    private IGrainTimer? _timer;

    public async Task Wake()
    {
        if (_timer is not null)
        {
            return;
        }

        if (!state.RecordExists)
        {
            state.State.Cursor = await log.GetEndAsync();
            await state.WriteStateAsync();
        }

        // KeepAlive: the relay stays active as long as its silo lives; after a crash the next wake starts it elsewhere.
        _timer = this.RegisterGrainTimer(RelayAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.Value.PollInterval,
            KeepAlive = true,
        });
    }

    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        try
        {
            var provider = this.GetStreamProvider(this.GetPrimaryKeyString());
            while (!cancellationToken.IsCancellationRequested)
            {
                var rows = await log.ReadAsync(state.State.Cursor, options.Value.ReadBatch, cancellationToken);
                if (rows.Count == 0)
                {
                    return;
                }

                foreach (var stream in rows.Select(r => (Stream: IntegrationEventStreams.For(r.Event), r.Event)).Where(r => r.Stream is not null).GroupBy(r => r.Stream!.Value))
                {
                    await provider.GetStream<IntegrationEvent>(stream.Key).OnNextBatchAsync(stream.Select(r => r.Event).ToList());
                }

                state.State.Cursor = rows[^1].Cursor;
                await state.WriteStateAsync();
                if (rows.Count < options.Value.ReadBatch)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next tick tries again from the stored position.
            LogRelayFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event log relay to stream provider {Provider} failed; it retries at its next poll")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, string provider);
}
