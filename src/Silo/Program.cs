using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Ticketing.Hosting;
using Ticketing.Hosting.Operations;

// The silo process: grains, plus a small HTTP endpoint for operators (health, metrics, dashboard; no API).
// `dotnet run --project src/Silo -- migrate` applies the PostgreSQL schema and exits.
var migrateOnly = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);

// The silo's logging defaults first, so that appsettings.json, the environment and the command line override them.
builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
{
    FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
    Path = "appsettings.silo.json",
    Optional = true,
    ReloadOnChange = false,
});

// Every silo brings the schema up to date before it joins (safe from several silos at once).
var applied = await builder.MigrateTicketingSchemaAsync();
if (migrateOnly)
{
    if (applied is null)
    {
        Console.Error.WriteLine($"migrate needs ConnectionStrings:Ticketing (for example the environment variable {DeploymentContract.ConnectionStringVariable}).");
        return 2;
    }

    return 0;
}

// The operator endpoint; 8081 beside the API's 8080 when both run on one machine.
builder.UseDefaultUrl("http://localhost:8081");
builder.AddTicketingSilo();
builder.AddTicketingOperations();

var app = builder.Build();
app.MapTicketingOperations();
await app.RunAsync();
return 0;
