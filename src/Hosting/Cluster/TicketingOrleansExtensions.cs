using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Hosting.Events;
using Ticketing.Hosting.Operations;
using Ticketing.Hosting.Options;
using Ticketing.Hosting.Storage;
using Ticketing.Hosting.Streams;
using Ticketing.Hosting.Webhooks;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;

namespace Ticketing.Hosting.Cluster;

/// <summary>The silo's and the client's Orleans configuration, shared by the headless silo host and the API.</summary>
public static class TicketingOrleansExtensions
{
    /// <summary>True inside a Kubernetes pod whose manifest passes the pod's name and namespace (deploy/k8s does).</summary>
    public static bool IsKubernetesPod =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(DeploymentContract.PodNameVariable))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(DeploymentContract.PodNamespaceVariable));

    /// <summary>The "Orleans" settings, checked: a wrong value throws <see cref="OptionsValidationException"/> naming its key.</summary>
    public static TicketingSiloOptions GetTicketingOptions(this IConfiguration configuration) =>
        configuration.GetValidatedOptions<TicketingSiloOptions>(TicketingSiloOptions.SectionName);

    /// <summary>
    /// The PostgreSQL connection string (ConnectionStrings:Ticketing) with this host's pool budget applied
    /// (<see cref="PostgresPoolOptions"/>), or null for the in-memory default.
    /// </summary>
    public static string? GetTicketingConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(TicketingSiloOptions.ConnectionStringName) is { Length: > 0 } connectionString
            ? PostgresConnectionBudget.Apply(connectionString, configuration.GetValidatedOptions<PostgresPoolOptions>(PostgresPoolOptions.SectionName).MaxPoolSize)
            : null;

    /// <summary>
    /// Configures a Ticketing silo. With ConnectionStrings:Ticketing set, clustering, grain storage and reminders live
    /// in PostgreSQL and several silos form one cluster. Without it, the embedded default: localhost clustering,
    /// in-memory storage and reminders, so one process runs everything.
    /// </summary>
    public static ISiloBuilder AddTicketingSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetTicketingOptions();
        silo.Services.AddValidatedOptions<TicketingSiloOptions>(configuration, TicketingSiloOptions.SectionName);
        silo.Services.AddValidatedOptions<PostgresPoolOptions>(configuration, PostgresPoolOptions.SectionName);
        if (configuration.GetTicketingConnectionString() is { } connectionString)
        {
            silo.AddTicketingPostgres(connectionString, options, configuration);
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddTicketingInMemoryProviders(singleSilo: true, configuration);
        }

        // Orleans' own settings pass through unchanged; Orleans validates them itself when the silo starts.
        silo.Services.AddOptions<ClusterMembershipOptions>().Bind(configuration.GetSection($"{TicketingSiloOptions.SectionName}:Membership"));
        silo.Services.AddOptions<SiloMessagingOptions>().Bind(configuration.GetSection($"{TicketingSiloOptions.SectionName}:Messaging"));
        silo.Services.AddTicketingGrainServices(configuration);
        silo.Services.AddTicketingIntegrationEvents(configuration);
        silo.AddIncomingGrainCallFilter<InfrastructureFaultFilter>();
        if (configuration.GetValidatedOptions<DashboardCredentials>(DashboardCredentials.SectionName).Enabled)
        {
            silo.AddDashboard();
        }

        return silo;
    }

    /// <summary>
    /// The storage, reminder and stream providers the grains need, kept in memory (not durable). A single silo (the
    /// embedded default) keeps grain state in a dictionary of its own, without Orleans' storage grains in between;
    /// several silos in one process (test clusters) share state through Orleans' memory storage grains.
    /// </summary>
    public static ISiloBuilder AddTicketingInMemoryProviders(this ISiloBuilder silo, bool singleSilo = false, IConfiguration? configuration = null)
    {
        var memoryStores = new List<string> { ProviderNames.PubSubStore };
        // Integration events in this process's memory; outbox events are recorded right after each state write.
        silo.Services.TryAddSingleton<IIntegrationEventLog, InMemoryIntegrationEventLog>();
        if (singleSilo)
        {
            silo.Services.AddGrainStorage(ProviderNames.GrainState, (services, name) => new OutboxRecordingGrainStorage(
                new InProcessGrainStorage(name, new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()), services.GetRequiredService<IActivatorProvider>()),
                services.GetRequiredService<IIntegrationEventLog>(),
                services.GetService<ILoggerFactory>()?.CreateLogger<OutboxRecordingGrainStorage>()));
        }
        else
        {
            const string MemoryTicketing = ProviderNames.GrainState + "-memory";
            memoryStores.Add(MemoryTicketing);
            silo.Services.AddGrainStorage(ProviderNames.GrainState, (services, _) => new OutboxRecordingGrainStorage(
                services.GetRequiredKeyedService<IGrainStorage>(MemoryTicketing), services.GetRequiredService<IIntegrationEventLog>()));
        }

        foreach (var name in memoryStores)
        {
            // Orleans' binary serializer: the memory provider's default (JSON with type names) costs more than the hold.
            silo.AddMemoryGrainStorage(name, (OptionsBuilder<MemoryGrainStorageOptions> storage) =>
                storage.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
        }

        silo.AddTicketingEventStreams(configuration);
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>
    /// PostgreSQL: membership and reminders through the Orleans ADO.NET providers, grain state through the group-commit
    /// provider (or, with Orleans:GrainStorage=AdoNet, the ADO.NET one). Integration events
    /// travel on the stream provider over the event log, whose checkpoints and subscriptions persist.
    /// </summary>
    public static ISiloBuilder AddTicketingPostgres(this ISiloBuilder silo, string connectionString, TicketingSiloOptions options, IConfiguration configuration)
    {
        if (IsKubernetesPod)
        {
            // In a pod the cluster identity and the pod's address come from the environment (see deploy/k8s), and
            // silos of vanished pods are declared dead without waiting for missed probes.
            silo.UseKubernetesHosting();
        }
        else
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedIPAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = TicketingSiloOptions.PostgresInvariant;
            o.ConnectionString = connectionString;
        });
        silo.AddTicketingFailover(configuration);
        var adoNetStores = new List<string> { ProviderNames.PubSubStore };
        silo.Services.AddPostgresEventLog(connectionString);
        if (options.GrainStorage == GrainStorageKind.GroupCommit)
        {
            silo.AddPostgresGroupCommitStorage(ProviderNames.GrainState, connectionString, configuration);
        }
        else
        {
            const string AdoNetTicketing = ProviderNames.GrainState + "-adonet";
            adoNetStores.Add(AdoNetTicketing);
            // Orleans' provider cannot join our transaction: outbox events are recorded right after the write.
            silo.Services.AddGrainStorage(ProviderNames.GrainState, (services, _) => new FaultTranslatingGrainStorage(new OutboxRecordingGrainStorage(
                new SnapshotWritesGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(AdoNetTicketing), services.GetRequiredService<DeepCopier>()),
                services.GetRequiredService<IIntegrationEventLog>(),
                services.GetService<ILoggerFactory>()?.CreateLogger<OutboxRecordingGrainStorage>())));
        }

        foreach (var name in adoNetStores)
        {
            // Orleans' binary serializer (the state types carry [Id]s) keeps a row small: a seat block's bookings, not
            // a JSON document with type names.
            silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> storage) => storage.Configure<Serializer>((o, serializer) =>
            {
                o.Invariant = TicketingSiloOptions.PostgresInvariant;
                o.ConnectionString = connectionString;
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        }

        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = TicketingSiloOptions.PostgresInvariant;
            o.ConnectionString = connectionString;
        });
        silo.AddTicketingEventStreams(configuration);
        return silo;
    }

    /// <summary>
    /// Grain state in PostgreSQL through <see cref="PostgresGroupCommitGrainStorage"/>: the writes of many grains
    /// share one commit. The state is serialized with Orleans' binary serializer, as with the ADO.NET provider.
    /// </summary>
    public static ISiloBuilder AddPostgresGroupCommitStorage(this ISiloBuilder silo, string name, string connectionString, IConfiguration configuration)
    {
        silo.Services.AddValidatedOptions<GroupCommitStorageOptions>(configuration, GroupCommitStorageOptions.SectionName);
        silo.Services.AddGrainStorage(name, (services, storageName) => new FaultTranslatingGrainStorage(new PostgresGroupCommitGrainStorage(
            storageName,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            connectionString,
            new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetRequiredService<IOptions<GroupCommitStorageOptions>>().Value,
            services.GetService<IMeterFactory>())));
        return silo;
    }

    /// <summary>
    /// Failover of a multi-silo cluster (<see cref="FailoverOptions"/>): liveness probes that declare a killed silo dead
    /// in seconds, and the strongly consistent distributed grain directory, so that a seat block never has two live
    /// activations while silos come and go. Registered before "Orleans:Membership:*" is bound, which still overrides.
    /// </summary>
    public static ISiloBuilder AddTicketingFailover(this ISiloBuilder silo, IConfiguration configuration)
    {
        var failover = configuration.GetValidatedOptions<FailoverOptions>(FailoverOptions.SectionName);
        silo.Services.AddValidatedOptions<FailoverOptions>(configuration, FailoverOptions.SectionName);
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = failover.ProbeTimeout;
            membership.NumMissedProbesLimit = failover.MissedProbesLimit;
            membership.NumVotesForDeathDeclaration = failover.VotesForDeath;
            membership.TableRefreshTimeout = failover.TableRefresh;
        });
        if (failover.GrainDirectory == GrainDirectoryKind.Distributed)
        {
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10: chosen for its single-activation guarantee during membership changes.
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            silo.Configure<GrainDirectoryOptions>(directory => directory.RangeLeaseDuration = failover.DirectoryLease);
        }

        return silo;
    }

    /// <summary>The integration event log in PostgreSQL (ticketing_events), with a small pool of its own.</summary>
    public static IServiceCollection AddPostgresEventLog(this IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(_ => new EventLogDataSource(PostgresConnectionBudget.Apply(connectionString, EventLogDataSource.MaxPoolSize)));
        services.TryAddSingleton<IIntegrationEventLog>(sp => new PostgresIntegrationEventLog(sp.GetRequiredService<EventLogDataSource>().DataSource));
        return services;
    }

    /// <summary>The API as an Orleans client of a PostgreSQL-backed cluster.</summary>
    public static IClientBuilder AddTicketingClient(this IClientBuilder client, IConfiguration configuration)
    {
        var options = configuration.GetTicketingOptions();
        client.Services.AddValidatedOptions<TicketingSiloOptions>(configuration, TicketingSiloOptions.SectionName);
        client.Services.AddValidatedOptions<PostgresPoolOptions>(configuration, PostgresPoolOptions.SectionName);
        var connectionString = configuration.GetTicketingConnectionString()
            ?? throw new OptionsValidationException($"ConnectionStrings:{TicketingSiloOptions.ConnectionStringName}", typeof(TicketingSiloOptions),
                [$"{TicketingSiloOptions.SectionName}:{nameof(TicketingSiloOptions.Mode)}={ApiHostingMode.Client} needs ConnectionStrings:{TicketingSiloOptions.ConnectionStringName} "
                 + $"({DeploymentContract.ConnectionStringVariable}): the client finds the silos through PostgreSQL."]);
        client.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = TicketingSiloOptions.PostgresInvariant;
            o.ConnectionString = connectionString;
        });
        var failover = configuration.GetValidatedOptions<FailoverOptions>(FailoverOptions.SectionName);
        client.Services.AddValidatedOptions<FailoverOptions>(configuration, FailoverOptions.SectionName);
        client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = failover.ClientResponseTimeout);
        client.Services.AddOptions<ClientMessagingOptions>().Bind(configuration.GetSection($"{TicketingSiloOptions.SectionName}:Messaging"));
        client.UseConnectionRetryFilter(new ClusterStartupRetryFilter(TimeSpan.FromMinutes(2)));
        client.Services.AddPostgresEventLog(connectionString);
        client.Services.AddWebhookOptions(configuration);
        client.Services.AddEventSearch(configuration);
        client.AddTicketingEventStreams(configuration);
        if (configuration.GetValidatedOptions<DashboardCredentials>(DashboardCredentials.SectionName).Enabled)
        {
            client.AddDashboard();
        }

        return client;
    }
}
