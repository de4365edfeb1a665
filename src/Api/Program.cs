using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Ticketing.Api.Endpoints;
using Ticketing.Api.Infrastructure;
using Ticketing.Api.Live;
using Ticketing.Api.OpenApi;
using Ticketing.Api.Routing;
using Ticketing.Api.Security;
using Ticketing.Hosting;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Operations;
using Ticketing.Hosting.Options;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl($"http://localhost:{DeploymentContract.HttpPort}");

// Embedded default: a silo in this process, so one command runs the whole system (on PostgreSQL when
// ConnectionStrings:Ticketing is set). Orleans:Mode=Client joins a cluster of separate silos instead.
if (builder.Configuration.GetTicketingOptions().Mode == ApiHostingMode.Client)
{
    builder.AddTicketingClient();
}
else
{
    await builder.MigrateTicketingSchemaAsync();
    builder.AddTicketingSilo();
}

// The dashboard opens to an admin's bearer token as well as to its Basic credentials.
builder.AddTicketingOperations(adminScheme: JwtBearerDefaults.AuthenticationScheme);
builder.AddTicketingSecurity();
builder.Services.AddValidatedOptions<BookingOptions>(builder.Configuration, BookingOptions.SectionName);
builder.Services.AddMemoryCache();
builder.Services.AddSingleton<EventLayoutCache>();
builder.Services.AddSingleton<SeatInventoryReader>();
builder.Services.AddValidatedOptions<WaitingRoomOptions>(builder.Configuration, WaitingRoomOptions.SectionName);
builder.Services.AddSingleton<AdmissionTokens>();
builder.Services.AddValidatedOptions<LiveAvailabilityOptions>(builder.Configuration, LiveAvailabilityOptions.SectionName);
builder.Services.AddSingleton<AvailabilityHub>();

builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
    options.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter());
});

// Unreadable requests throw, so that ProblemExceptionHandler can say what was wrong with them.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = SecurityExtensions.DescribeAuthorizationProblem);
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddTicketingOpenApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapTicketingOpenApi();
app.UseSwaggerUI(options =>
{
    options.SwaggerEndpoint("/openapi/v1.json", "Ticketing API v1");
    options.RoutePrefix = "swagger";
});
app.MapTicketingOperations();
app.UseTicketingRateLimits();

// Every endpoint says who may call it (a policy, or AllowAnonymous); the authorization matrix test checks that.
// The box office: a static page with its modules and styles from wwwroot (Swagger stays at /swagger).
app.UseStaticFiles();
app.MapGet("/", (IWebHostEnvironment environment) => TypedResults.PhysicalFile(
    Path.Combine(environment.WebRootPath, "index.html"), "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
// The cheapest request this host can answer: the benchmark's baseline for the machine's HTTP ceiling.
app.MapGet("/api/ping", () => TypedResults.Ok(new { pong = true })).AllowAnonymous().ExcludeFromDescription();
app.MapEventsApi();
app.MapBookingsApi();
app.MapQueueApi();
app.MapLiveApi();
app.MapTicketsApi();
app.MapSalesApi();
app.MapIntegrationEventApis();
if (app.Environment.IsDevelopment())
{
    // Tokens for trying it out locally; outside Development this route does not exist (404).
    app.MapDevelopmentTokens();
}

await app.RunAsync();

/// <summary>The API host; public so that functional tests can start it with WebApplicationFactory.</summary>
public partial class Program;
