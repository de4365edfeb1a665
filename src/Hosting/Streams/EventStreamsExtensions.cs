using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ticketing.Grains;
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
        AddOptions(client.Services, configuration);
        client.AddPersistentStreams(ProviderNames.IntegrationEvents, EventLogQueueAdapterFactory.Create, _ => { });
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
