using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Schema;

namespace Ticketing.Hosting;

/// <summary>
/// What a Ticketing host is made of, one call per concern, so that each host's Program reads as a list of what it
/// is: a silo (<see cref="AddTicketingSilo"/>), an Orleans client (<see cref="AddTicketingClient"/>), and the
/// operator endpoints (<c>AddTicketingOperations</c> / <c>MapTicketingOperations</c>).
/// </summary>
public static class TicketingHostExtensions
{
    /// <summary>A silo in this process: on PostgreSQL when ConnectionStrings:Ticketing is set, in memory otherwise.</summary>
    public static IHostApplicationBuilder AddTicketingSilo(this IHostApplicationBuilder builder)
    {
        builder.UseOrleans(silo => silo.AddTicketingSilo(builder.Configuration));
        return builder;
    }

    /// <summary>An Orleans client of a cluster of separate silos, found through PostgreSQL.</summary>
    public static IHostApplicationBuilder AddTicketingClient(this IHostApplicationBuilder builder)
    {
        builder.UseOrleansClient(client => client.AddTicketingClient(builder.Configuration));
        return builder;
    }

    /// <summary>
    /// Applies the PostgreSQL schema (creating the database if needed) when ConnectionStrings:Ticketing is set.
    /// Returns the versions applied now, or null when no database is configured.
    /// </summary>
    public static async Task<IReadOnlyList<int>?> MigrateTicketingSchemaAsync(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetTicketingConnectionString() is not { } connectionString)
        {
            return null;
        }

        // The host's own logging does not exist yet: the schema comes before the host is built.
        using var loggers = LoggerFactory.Create(logging => logging.AddConsole());
        var logger = loggers.CreateLogger("Ticketing.Schema");
        var applied = await SchemaMigrator.MigrateAsync(connectionString, logger);
        logger.LogInformation("Schema is up to date ({Count} migrations applied now).", applied.Count);
        return applied;
    }

    /// <summary>Listens on <paramref name="url"/> unless --urls, ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS say otherwise.</summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder, string url)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(url);
        }

        return builder;
    }
}
