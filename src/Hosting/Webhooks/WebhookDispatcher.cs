using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Webhooks;

namespace Ticketing.Hosting.Webhooks;

/// <summary>
/// Runs in every silo: each <see cref="WebhookOptions.PollInterval"/> it wakes every webhook endpoint grain, which
/// reads the log from its own stored cursor. After a silo dies, the others' dispatchers wake its endpoints on the
/// silos that remain, where they resume their stored pending deliveries (at least once). Several silos waking one
/// endpoint is harmless: the grain handles one call at a time and only reads what is after its cursor.
/// </summary>
public sealed class WebhookDispatcher(IGrainFactory grains, IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var endpoints = await grains.GetGrain<IWebhookDirectoryGrain>(0).List(null);
                    await Task.WhenAll(endpoints.Select(id => grains.GetGrain<IWebhookEndpointGrain>(id).Poll()));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The cluster is starting, stopping or short of a silo: the next tick tries again.
                    logger.LogDebug(e, "Webhook poll failed; retrying on the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
