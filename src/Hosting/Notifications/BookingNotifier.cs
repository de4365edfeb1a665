using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Notifications;

/// <summary>
/// Emails buyers from the integration event log: booking.confirmed (with the tickets), booking.cancelled and
/// booking.refunded. Runs in every silo; each message is claimed in the ledger before it is sent, so it goes out once
/// even with several silos, and is retried (exponential backoff with jitter) up to Notifications:MaxAttempts.
/// </summary>
public sealed class BookingNotifier(
    IIntegrationEventLog log,
    INotificationLedger ledger,
    IEmailSender sender,
    IOptions<NotificationOptions> options,
    ILogger<BookingNotifier> logger) : BackgroundService
{
    private const int Batch = 200;

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder { TimeProvider = TimeProvider.System }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = options.Value.MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.Value.FirstRetryDelay,
        })
        .Build();

    /// <summary>Sends what is new in the log since the ledger's cursor; returns how many messages were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        var cursor = await ledger.GetCursorAsync(cancellationToken);
        while (true)
        {
            var page = await log.ReadAsync(cursor, Batch, cancellationToken);
            foreach (var logged in page)
            {
                if (BookingEmails.For(logged.Event, options.Value.From) is not { } message
                    || !await ledger.TryClaimAsync(logged.Event.Id, cancellationToken))
                {
                    continue;
                }

                string? error = null;
                try
                {
                    await _retry.ExecuteAsync(async token => await sender.SendAsync(message, token), cancellationToken);
                    sent++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    error = e.Message;
                    logger.LogWarning(e, "The {Type} email for event {EventId} could not be sent", logged.Event.Type, logged.Event.Id);
                }

                await ledger.CompleteAsync(logged.Event.Id, error, cancellationToken);
            }

            if (page.Count > 0)
            {
                cursor = page[^1].Cursor;
                await ledger.SaveCursorAsync(cursor, cancellationToken);
            }

            if (page.Count < Batch)
            {
                return sent;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Notifications could not read the event log; retrying in a second");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
