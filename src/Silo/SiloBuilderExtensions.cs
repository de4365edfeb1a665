using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using Ticketing.Grains;
using Ticketing.Grains.Payments;
using Ticketing.Silo.Payments;

namespace Ticketing.Silo;

/// <summary>The silo's configuration, shared by the headless silo host and the API's embedded mode.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>True inside a Kubernetes pod whose manifest passes the pod's name and namespace (deploy/k8s does).</summary>
    public static bool IsKubernetesPod =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Hosting.DeploymentContract.PodNameVariable))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Hosting.DeploymentContract.PodNamespaceVariable));

    public static TicketingSiloOptions GetTicketingOptions(this IConfiguration configuration) =>
        configuration.GetSection(TicketingSiloOptions.SectionName).Get<TicketingSiloOptions>() ?? new TicketingSiloOptions();

    /// <summary>The PostgreSQL connection string (ConnectionStrings:Ticketing), or null for the in-memory default.</summary>
    public static string? GetTicketingConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(TicketingSiloOptions.ConnectionStringName) is { Length: > 0 } connectionString ? connectionString : null;

    /// <summary>
    /// Configures a Ticketing silo. With ConnectionStrings:Ticketing set, clustering, grain storage and reminders live
    /// in PostgreSQL and several silos form one cluster. Without it, the embedded default: localhost clustering,
    /// in-memory storage and reminders, so one process runs everything.
    /// </summary>
    public static ISiloBuilder AddTicketingSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetTicketingOptions();
        if (configuration.GetTicketingConnectionString() is { } connectionString)
        {
            silo.AddTicketingPostgres(connectionString, options);
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddTicketingInMemoryProviders();
        }

        silo.Configure<ClusterMembershipOptions>(configuration.GetSection($"{TicketingSiloOptions.SectionName}:Membership"));
        silo.Configure<SiloMessagingOptions>(configuration.GetSection($"{TicketingSiloOptions.SectionName}:Messaging"));
        silo.Services.AddTicketingGrainServices(configuration);
        silo.AddDashboard();
        return silo;
    }

    /// <summary>The storage, reminder and stream providers the grains need, kept in memory (not durable).</summary>
    public static ISiloBuilder AddTicketingInMemoryProviders(this ISiloBuilder silo)
    {
        foreach (var name in new[] { StorageNames.Ticketing, StorageNames.PubSub })
        {
            // Orleans' binary serializer: the memory provider's default (JSON with type names) costs more than the hold.
            silo.AddMemoryGrainStorage(name, (OptionsBuilder<MemoryGrainStorageOptions> storage) =>
                storage.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
        }

        silo.AddMemoryStreams(StorageNames.BookingStream);
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>
    /// PostgreSQL through the Orleans ADO.NET providers: membership, grain state and reminders. Booking events
    /// still travel on memory streams (no durable Orleans stream provider is available); their subscriptions persist.
    /// </summary>
    public static ISiloBuilder AddTicketingPostgres(this ISiloBuilder silo, string connectionString, TicketingSiloOptions options)
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
        foreach (var name in new[] { StorageNames.Ticketing, StorageNames.PubSub })
        {
            // Orleans' binary serializer (the state types carry [Id]s) keeps a seat block's row small: its bookings,
            // not a JSON document with type names, are what each group commit writes.
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
        silo.AddMemoryStreams(StorageNames.BookingStream);
        return silo;
    }

    /// <summary>The API as an Orleans client of a PostgreSQL-backed cluster.</summary>
    public static IClientBuilder AddTicketingClient(this IClientBuilder client, IConfiguration configuration)
    {
        var options = configuration.GetTicketingOptions();
        var connectionString = configuration.GetTicketingConnectionString()
            ?? throw new InvalidOperationException("Orleans:Mode=Client needs ConnectionStrings:Ticketing: the client finds the silos through PostgreSQL.");
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
        client.Configure<ClientMessagingOptions>(configuration.GetSection($"{TicketingSiloOptions.SectionName}:Messaging"));
        client.UseConnectionRetryFilter(new Hosting.ClusterStartupRetryFilter(TimeSpan.FromMinutes(2)));
        client.AddMemoryStreams(StorageNames.BookingStream);
        client.AddDashboard();
        return client;
    }

    /// <summary>
    /// What the grains need from their host besides storage: the business meters, and the payment gateway (the
    /// simulated provider behind the resilience pipeline).
    /// </summary>
    public static IServiceCollection AddTicketingGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<TicketingMetrics>();
        services.Configure<PaymentSagaOptions>(configuration.GetSection(PaymentSagaOptions.SectionName));
        services.Configure<PaymentResilienceOptions>(configuration.GetSection(PaymentResilienceOptions.SectionName));
        services.Configure<SimulatedPaymentOptions>(configuration.GetSection(SimulatedPaymentOptions.SectionName));
        // Provider calls are real I/O, so their latency, timeouts and backoff run on real time.
        services.AddSingleton(sp => new SimulatedPaymentProvider(sp.GetRequiredService<IOptions<SimulatedPaymentOptions>>(), TimeProvider.System));
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SimulatedPaymentProvider>());
        services.AddSingleton<IPaymentGateway>(sp => new ResilientPaymentGateway(
            sp.GetRequiredService<IPaymentProvider>(), sp.GetRequiredService<IOptions<PaymentResilienceOptions>>(), TimeProvider.System));
        return services;
    }
}
