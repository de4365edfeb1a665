using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Ticketing.Silo.Hosting;
using Ticketing.Silo.Schema;

namespace Ticketing.Silo;

/// <summary>
/// The silo process: grains, plus a small HTTP endpoint for operators (health, metrics, dashboard; no API).
/// <c>dotnet run --project src/Silo -- migrate</c> applies the PostgreSQL schema and exits.
/// </summary>
public static class SiloHost
{
    /// <summary>Where the silo's operator endpoint listens unless --urls or ASPNETCORE_URLS / _HTTP_PORTS say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:8081";

    public static async Task<int> Main(string[] args)
    {
        var migrateOnly = args.Length > 0 && args[0] == "migrate";
        var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);
        // Defaults first, so that appsettings.json, the environment and the command line still override them.
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.silo.json",
            Optional = true,
            ReloadOnChange = false,
        });
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

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.UseOrleans(silo => silo.AddTicketingSilo(builder.Configuration));
        builder.AddTicketingOperations();

        var app = builder.Build();
        app.MapTicketingOperations();
        await app.RunAsync();
        return 0;
    }
}
