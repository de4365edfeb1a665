using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;
using Ticketing.Grains;

namespace Ticketing.Silo;

/// <summary>The silo's configuration, shared by the headless silo host and the API's embedded mode.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Configures a Ticketing silo. Without a database this is the embedded default: localhost clustering,
    /// in-memory grain storage and memory streams, so one process runs everything.
    /// </summary>
    public static ISiloBuilder AddTicketingSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(TicketingSiloOptions.SectionName).Get<TicketingSiloOptions>() ?? new TicketingSiloOptions();

        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        silo.AddTicketingInMemoryProviders();
        silo.AddDashboard();
        return silo;
    }

    /// <summary>The storage and stream providers the grains need, kept in memory (not durable).</summary>
    public static ISiloBuilder AddTicketingInMemoryProviders(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Ticketing);
        silo.AddMemoryGrainStorage(StorageNames.PubSub);
        silo.AddMemoryStreams(StorageNames.BookingStream);
        return silo;
    }
}
