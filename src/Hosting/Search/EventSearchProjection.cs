using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Search;

/// <summary>
/// Feeds the search index from the integration event log, from the index's stored cursor on. Every silo runs it in
/// the background (<see cref="EventSearchProjectionService"/>), and a search catches up first, so an event
/// created or changed is found by the next search once its write is in the log. Applying an event twice (two
/// processes, a crash between apply and cursor) changes nothing: a row only takes a newer sequence.
/// </summary>
public sealed class EventSearchProjection(IIntegrationEventLog log, IEventSearchIndex index)
{
    private const int Batch = 500;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LogCursor? _cursor;

    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var cursor = _cursor ??= await index.GetCursorAsync(cancellationToken);
            while (true)
            {
                var page = await log.ReadAsync(cursor, Batch, cancellationToken);
                if (page.Count == 0)
                {
                    break;
                }

                await index.ApplyAsync(page, cancellationToken);
                _cursor = cursor = page[^1].Cursor;
                if (page.Count < Batch)
                {
                    break;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Keeps the search index current in the background, every second.</summary>
public sealed class EventSearchProjectionService(EventSearchProjection projection, ILogger<EventSearchProjectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await projection.CatchUpAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "The event search projection could not catch up; retrying in a second");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
