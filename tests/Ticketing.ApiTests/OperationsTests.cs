using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Ticketing.Hosting.Operations;

namespace Ticketing.ApiTests;

public sealed class OperationsTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Liveness_and_readiness_answer_healthy_once_the_silo_is_active()
    {
        var live = await _client.GetAsync(DeploymentContract.LivenessPath);
        var ready = await _client.GetAsync(DeploymentContract.ReadinessPath);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_list_the_business_meters_after_a_booking()
    {
        var ev = await _client.CreatePublishedEventAsync();
        await _client.BookOkAsync(ev.Id, new { email = "m@example.com", seats = new[] { "A-9-9" } });

        var metrics = await _client.GetStringAsync(DeploymentContract.MetricsPath);

        foreach (var name in new[]
        {
            "ticketing_holds_created_total", "ticketing_holds_released_total", "ticketing_holds_expired_total",
            "ticketing_bookings_confirmed_total", "ticketing_bookings_failed_total", "ticketing_bookings_cancelled_total",
            "ticketing_bookings_refunded_total", "ticketing_hold_duration_milliseconds_bucket", "http_server_request_duration_seconds",
        })
        {
            Assert.Contains(name, metrics);
        }

        // Meter listeners are process-wide: the other test hosts in this process may add series of their own.
        var created = metrics.Split('\n').Where(l => l.StartsWith("ticketing_holds_created_total", StringComparison.Ordinal))
            .Sum(l => double.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(created >= 1, metrics);
    }

    [Fact]
    public async Task In_development_the_dashboard_is_open()
    {
        var dashboard = await _client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }
}

/// <summary>The same host in Production: the dashboard wants the configured credentials.</summary>
public sealed class ProductionDashboardTests : IClassFixture<ProductionDashboardTests.ProductionFactory>
{
    public sealed class ProductionFactory : TicketingApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            builder.UseSetting("Dashboard:Username", "ops");
            builder.UseSetting("Dashboard:Password", "s3cret");
        }
    }

    private readonly HttpClient _client;

    private readonly ProductionFactory _factory;

    public ProductionDashboardTests(ProductionFactory factory) => (_factory, _client) = (factory, factory.CreateAnonymousClient());

    private async Task<HttpStatusCode> DashboardAsync(string? credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        return (await _client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Outside_development_the_dashboard_needs_the_configured_credentials()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardAsync(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardAsync("ops:wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardAsync("admin:s3cret"));
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync("ops:s3cret"));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(DeploymentContract.LivenessPath)).StatusCode);
    }

    [Fact]
    public async Task Outside_development_an_admin_token_opens_the_dashboard_and_other_roles_are_forbidden()
    {
        using var admin = _factory.CreateClient("root", "admin");
        using var customer = _factory.CreateClient("alice", "customer", "organizer", "staff");

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard/")).StatusCode);
        var refused = await customer.GetAsync("/dashboard/");
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Outside_development_there_are_no_development_tokens()
    {
        var response = await _client.PostAsJsonAsync("/api/dev/tokens", new { subject = "alice@example.com", roles = new[] { "customer" } });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

/// <summary>/metrics limited to a network: a caller outside it gets a 403 problem.</summary>
public sealed class RestrictedMetricsTests : IClassFixture<RestrictedMetricsTests.RestrictedFactory>
{
    public sealed class RestrictedFactory : TicketingApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Metrics:AllowedNetworks:0", "10.0.0.0/8");
        }
    }

    private readonly HttpClient _client;

    public RestrictedMetricsTests(RestrictedFactory factory) => _client = factory.CreateAnonymousClient();

    [Fact]
    public async Task A_scraper_outside_the_allowed_networks_is_refused()
    {
        // The test server's requests come from no network address, so they are outside 10.0.0.0/8.
        var response = await _client.GetAsync(DeploymentContract.MetricsPath);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(DeploymentContract.LivenessPath)).StatusCode);
    }
}

/// <summary>Dashboard:Enabled=false: no host runs the dashboard (its sampling costs CPU on busy silos); the rest stays.</summary>
public sealed class DisabledDashboardTests : IClassFixture<DisabledDashboardTests.NoDashboardFactory>
{
    public sealed class NoDashboardFactory : TicketingApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Dashboard:Enabled", "false");
        }
    }

    private readonly HttpClient _client;

    public DisabledDashboardTests(NoDashboardFactory factory) => _client = factory.CreateAnonymousClient();

    [Fact]
    public async Task The_dashboard_is_gone_and_health_and_metrics_still_answer()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(DeploymentContract.LivenessPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(DeploymentContract.MetricsPath)).StatusCode);
    }
}
