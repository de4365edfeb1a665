using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Events;
using Ticketing.Hosting.Options;

namespace Ticketing.Hosting.Streams;

public static class EventStreamsExtensions
{
    /// <summary>
    /// The stream provider of integration events on a silo (<see cref="EventStreamOptions"/>), with the checkpoints of
    /// its readers kept where the log is. <paramref name="configuration"/> null takes the defaults (test clusters).
    /// </summary>
    public static ISiloBuilder AddTicketingEventStreams(this ISiloBuilder silo, IConfiguration? configuration)
    {
        var options = AddOptions(silo.Services, configuration);
        if (options.Provider == EventStreamProviderKind.Memory)
        {
            silo.AddMemoryStreams(ProviderNames.IntegrationEvents);
            silo.Services.AddHostedService<EventStreamRelayWaker>();
            return silo;
        }

        silo.AddPersistentStreams(ProviderNames.IntegrationEvents, EventLogQueueAdapterFactory.Create, stream =>
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = options.PollInterval;
                o.BatchContainerBatchSize = options.DeliveryBatch;
            })));
        return silo;
    }

    /// <summary>The same provider on an Orleans client, so that the API can subscribe to streams (live availability).</summary>
    public static IClientBuilder AddTicketingEventStreams(this IClientBuilder client, IConfiguration configuration)
    {
        if (AddOptions(client.Services, configuration).Provider == EventStreamProviderKind.Memory)
        {
            client.AddMemoryStreams(ProviderNames.IntegrationEvents);
        }
        else
        {
            client.AddPersistentStreams(ProviderNames.IntegrationEvents, EventLogQueueAdapterFactory.Create, _ => { });
        }

        return client;
    }

    private static EventStreamOptions AddOptions(IServiceCollection services, IConfiguration? configuration)
    {
        configuration ??= new ConfigurationBuilder().Build();
        services.AddValidatedOptions<EventStreamOptions>(configuration, EventStreamOptions.SectionName);
        services.TryAddSingleton<ILogConsumerCursors>(sp => sp.GetService<EventLogDataSource>() is { } postgres
            ? new PostgresLogConsumerCursors(postgres.DataSource)
            : new InMemoryLogConsumerCursors());
        return configuration.GetValidatedOptions<EventStreamOptions>(EventStreamOptions.SectionName);
    }
}

/// <summary>
/// Wakes the cluster's relay for a provider that does not read the log (<see cref="EventStreamProviderKind.Memory"/>)
/// once a minute from every silo: the relay keeps itself running, and after its silo dies the next wake starts it again.
/// </summary>
internal sealed partial class EventStreamRelayWaker(IGrainFactory grains, ILogger<EventStreamRelayWaker> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var relay = grains.GetGrain<IEventStreamRelayGrain>(ProviderNames.IntegrationEvents);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await relay.Wake();
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Usually the silo is still starting: try again soon.
                LogWakeFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake the event stream relay yet")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);
}
