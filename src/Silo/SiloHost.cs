using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ticketing.Silo.Schema;

namespace Ticketing.Silo;

/// <summary>
/// The headless silo process: grains only, no HTTP API. <c>dotnet run --project src/Silo -- migrate</c> applies
/// the PostgreSQL schema and exits.
/// </summary>
public static class SiloHost
{
    public static async Task<int> Main(string[] args)
    {
        var migrateOnly = args.Length > 0 && args[0] == "migrate";
        var builder = Host.CreateApplicationBuilder(migrateOnly ? args[1..] : args);
        var connectionString = builder.Configuration.GetTicketingConnectionString();
        using var loggers = LoggerFactory.Create(logging => logging.AddConsole());
        var logger = loggers.CreateLogger("Ticketing.Schema");

        if (migrateOnly)
        {
            if (connectionString is null)
            {
                logger.LogError("migrate needs ConnectionStrings:Ticketing (for example the environment variable ConnectionStrings__Ticketing).");
                return 2;
            }

            var applied = await SchemaMigrator.MigrateAsync(connectionString, logger);
            logger.LogInformation("Schema is up to date ({Count} migrations applied now).", applied.Count);
            return 0;
        }

        if (connectionString is not null)
        {
            await SchemaMigrator.MigrateAsync(connectionString, logger);
        }

        builder.UseOrleans(silo => silo.AddTicketingSilo(builder.Configuration));
        await builder.Build().RunAsync();
        return 0;
    }
}
