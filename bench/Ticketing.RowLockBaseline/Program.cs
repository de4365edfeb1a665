using System.Text.Json.Serialization;
using Npgsql;
using Ticketing.RowLockBaseline;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://localhost:8080");
}

var connectionString = builder.Configuration["connection"] ?? builder.Configuration.GetConnectionString("RowLock")
    ?? "Host=localhost;Username=postgres;Password=postgres;Database=ticketing_rowlock";
var connection = new NpgsqlConnectionStringBuilder(connectionString);
// --database NAME reuses another service's server and credentials with a database of its own (bench/run-all.sh).
if (builder.Configuration["database"] is { Length: > 0 } database)
{
    connection.Database = database;
}

// Defaults a team would pick for this load, unless the connection string says otherwise: at most 32 server
// connections (PostgreSQL allows 100; on a small machine more backends than that only contend for its cores, and
// requests beyond it wait briefly for a pooled connection), prepared statements for the hot queries, no session
// reset on every return to the pool.
if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
{
    connection.MaxPoolSize = 32;
}

if (connection.MaxAutoPrepare == 0)
{
    connection.MaxAutoPrepare = 32;
    connection.AutoPrepareMinUsages = 2;
}

connection.NoResetOnClose = true;

using (var loggers = LoggerFactory.Create(logging => logging.AddConsole()))
{
    // --reset true starts from an empty database, so that one benchmark run does not inherit the last one's rows.
    await Schema.EnsureAsync(connection.ConnectionString, builder.Configuration.GetValue<bool>("reset"),
        loggers.CreateLogger("Ticketing.RowLockBaseline.Schema"));
}

builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connection.ConnectionString));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SeatInventory>();
builder.Services.AddSingleton<EventCatalog>();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
    options.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter());
});
// Unreadable requests throw, so that the exception handler can answer 400 with the reason.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapGet("/api/ping", () => TypedResults.Ok(new { pong = true }));
app.MapEndpoints();

await app.RunAsync();
