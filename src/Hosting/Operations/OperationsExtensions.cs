using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using Ticketing.Grains;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Options;

namespace Ticketing.Hosting.Operations;

/// <summary>
/// What operators need from every host, the API and the silo alike: health endpoints, Prometheus metrics, the
/// dashboard (authenticated outside Development), JSON logs with trace ids, and a bounded graceful shutdown.
/// </summary>
public static class OperationsExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>The role that opens the dashboard with a bearer token.</summary>
    public const string AdminRole = "admin";

    /// <param name="adminScheme">
    /// An authentication scheme (the API's bearer tokens) whose "admin" role also opens the dashboard, besides its Basic credentials.
    /// </param>
    public static WebApplicationBuilder AddTicketingOperations(this WebApplicationBuilder builder, string? adminScheme = null)
    {
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        // Trace and span ids travel as log scopes, so each JSON line can be joined with its request.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var health = builder.Services.AddHealthChecks().AddCheck<OrleansReadinessCheck>("orleans", tags: [ReadyTag]);
        if (builder.Configuration.GetTicketingConnectionString() is { } connectionString)
        {
            health.AddCheck("postgres", new PostgresReadinessCheck(connectionString), tags: [ReadyTag]);
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(TicketingMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        builder.Services.AddValidatedOptions<DashboardCredentials>(builder.Configuration, DashboardCredentials.SectionName);
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(DashboardAuthenticationHandler.SchemeName, null);
        builder.Services.AddValidatedOptions<MetricsAccessOptions>(builder.Configuration, MetricsAccessOptions.SectionName);
        builder.Services.AddAuthorization(o => o.AddPolicy(DashboardAuthenticationHandler.Policy, policy =>
        {
            policy.AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName);
            if (adminScheme is not null)
            {
                policy.AddAuthenticationSchemes(adminScheme);
            }

            policy.RequireAssertion(context => context.User.Identities.Any(identity => identity.IsAuthenticated
                && (identity.AuthenticationType == DashboardAuthenticationHandler.SchemeName || identity.HasClaim(identity.RoleClaimType, AdminRole))));
        }));

        // On SIGTERM the silo stops taking work, lets grains finish and leaves the membership within this time.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(DeploymentContract.ShutdownSeconds));
        return builder;
    }

    public static WebApplication MapTicketingOperations(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<MetricsAccessMiddleware>();

        // Live: the process answers. Ready: it can serve grains (and reach PostgreSQL when configured).
        app.MapHealthChecks(DeploymentContract.LivenessPath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(DeploymentContract.ReadinessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        // Open to whoever Metrics:AllowedNetworks lets in (everyone when it is empty); see MetricsAccessMiddleware.
        app.MapPrometheusScrapingEndpoint(DeploymentContract.MetricsPath).AllowAnonymous();
        // Where grains run, create the business meters now rather than with the first booking, so that a scrape
        // lists them from the start. (An API in client mode has none: the silos record them.)
        app.Services.GetService<TicketingMetrics>();

        if (!app.Services.GetRequiredService<IOptions<DashboardCredentials>>().Value.Enabled)
        {
            return app;
        }

        var dashboard = app.MapOrleansDashboard(routePrefix: DeploymentContract.DashboardPath);
        if (app.Environment.IsDevelopment())
        {
            dashboard.AllowAnonymous();
        }
        else
        {
            dashboard.RequireAuthorization(DashboardAuthenticationHandler.Policy);
        }

        return app;
    }
}
