using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Ticketing.Api.Contracts;
using Ticketing.Hosting.Operations;

namespace Ticketing.ApiTests;

/// <summary>
/// Who may call what: every endpoint the host maps (read from its endpoint data source, so a new endpoint fails
/// here until it names a policy and gets a row) × every kind of caller, each cell with the exact status, on fresh
/// resources owned by "the" customer and "the" organizer.
/// </summary>
public sealed class AuthorizationMatrixTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    public enum Caller { Anonymous, Customer, OtherCustomer, Organizer, OtherOrganizer, Staff, Admin }

    private static readonly Caller[] Callers = Enum.GetValues<Caller>();

    /// <summary>What the request of one row works on; created afresh for every cell.</summary>
    private sealed record Fixture(Guid Draft, Guid OnSale, Guid Booking);

    private sealed record Row(Func<Fixture, HttpRequestMessage> Request, int[] Statuses);

    private static HttpRequestMessage Send(HttpMethod method, string url, object? body = null) =>
        new(method, url) { Content = body is null ? null : JsonContent.Create(body) };

    // Statuses in the order of Caller: anonymous, customer, other customer, organizer, other organizer, staff, admin.
    // "*" stands for endpoints that answer any method (health, metrics); they are asked with GET.
    private static readonly Dictionary<string, Row> Matrix = new()
    {
        ["POST /api/events/"] = new(_ => Send(HttpMethod.Post, "/api/events", Api.Event()), [401, 403, 403, 201, 201, 403, 201]),
        ["GET /api/events/"] = new(_ => Send(HttpMethod.Get, "/api/events"), [200, 200, 200, 200, 200, 200, 200]),
        ["GET /api/events/{eventId:guid}"] = new(f => Send(HttpMethod.Get, $"/api/events/{f.Draft}"), [404, 404, 404, 200, 404, 404, 200]),
        ["PUT /api/events/{eventId:guid}"] = new(f => Send(HttpMethod.Put, $"/api/events/{f.Draft}", Api.Event()), [401, 403, 403, 200, 403, 403, 200]),
        ["POST /api/events/{eventId:guid}/publish"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.Draft}/publish"), [401, 403, 403, 200, 403, 403, 200]),
        ["POST /api/events/{eventId:guid}/close"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.OnSale}/close"), [401, 403, 403, 200, 403, 403, 200]),
        ["POST /api/events/{eventId:guid}/cancel"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.OnSale}/cancel"), [401, 403, 403, 200, 403, 403, 200]),
        ["GET /api/events/{eventId:guid}/sections/{sectionId}/seats"] = new(f => Send(HttpMethod.Get, $"/api/events/{f.Draft}/sections/A/seats"),
            [404, 404, 404, 200, 404, 404, 200]),
        ["POST /api/events/{eventId:guid}/bookings"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.OnSale}/bookings", new { email = "x@example.com", section = "GA", quantity = 1 }),
            [401, 201, 201, 403, 403, 403, 201]),
        ["POST /api/events/{eventId:guid}/queue/"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.OnSale}/queue"), [401, 409, 409, 403, 403, 403, 409]),
        ["GET /api/events/{eventId:guid}/queue/{queueTicketId:guid}"] = new(f => Send(HttpMethod.Get, $"/api/events/{f.OnSale}/queue/{Guid.NewGuid()}"),
            [401, 404, 404, 403, 403, 403, 404]),
        // Streams that open never end, so the row asks for an event that does not exist: anyone may ask, nobody gets one.
        ["GET /api/events/{eventId:guid}/availability/stream"] = new(_ => Send(HttpMethod.Get, $"/api/events/{Guid.NewGuid()}/availability/stream"),
            [404, 404, 404, 404, 404, 404, 404]),
        ["GET /api/events/{eventId:guid}/queue/{queueTicketId:guid}/stream"] = new(f => Send(HttpMethod.Get, $"/api/events/{f.OnSale}/queue/{Guid.NewGuid()}/stream"),
            [401, 404, 404, 403, 403, 403, 404]),
        ["GET /api/bookings/{bookingId:guid}"] = new(f => Send(HttpMethod.Get, $"/api/bookings/{f.Booking}"), [401, 200, 404, 403, 403, 403, 200]),
        ["DELETE /api/bookings/{bookingId:guid}"] = new(f => Send(HttpMethod.Delete, $"/api/bookings/{f.Booking}"), [401, 204, 404, 403, 403, 403, 204]),
        ["POST /api/bookings/{bookingId:guid}/payment"] = new(f => Send(HttpMethod.Post, $"/api/bookings/{f.Booking}/payment", new { paymentToken = "tok_visa" }),
            [401, 200, 404, 403, 403, 403, 200]),
        ["POST /api/bookings/{bookingId:guid}/cancel"] = new(f => Send(HttpMethod.Post, $"/api/bookings/{f.Booking}/cancel"), [401, 200, 404, 403, 403, 403, 200]),
        ["GET /api/ticket-keys"] = new(_ => Send(HttpMethod.Get, "/api/ticket-keys"), [200, 200, 200, 200, 200, 200, 200]),
        ["GET /api/tickets/{ticketId}/qr"] = new(_ => Send(HttpMethod.Get, $"/api/tickets/{Guid.NewGuid()}/qr"), [401, 404, 404, 403, 403, 403, 404]),
        ["POST /api/events/{eventId:guid}/staff"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.OnSale}/staff", new { subject = "gate@example.com" }),
            [401, 403, 403, 200, 403, 403, 200]),
        // The staff caller is not assigned to this event: only its own events' staff may scan (an admin may too).
        ["POST /api/events/{eventId:guid}/checkins"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.OnSale}/checkins", new { code = "not-a-ticket", gate = "North-3" }),
            [401, 403, 403, 403, 403, 403, 422]),
        ["GET /api/events/{eventId:guid}/checkin-list"] = new(f => Send(HttpMethod.Get, $"/api/events/{f.OnSale}/checkin-list"), [401, 403, 403, 403, 403, 403, 200]),
        ["POST /api/events/{eventId:guid}/checkins/batch"] = new(f => Send(HttpMethod.Post, $"/api/events/{f.OnSale}/checkins/batch",
            new[] { new { code = "not-a-ticket", gate = "North-3", scannedAt = "2027-02-01T09:00:00Z", nonce = "n-1" } }), [401, 403, 403, 403, 403, 403, 200]),
        ["GET /api/events/{eventId:guid}/checkin-conflicts"] = new(f => Send(HttpMethod.Get, $"/api/events/{f.OnSale}/checkin-conflicts"), [401, 403, 403, 200, 403, 403, 200]),
        ["GET /api/events/{eventId:guid}/sales"] = new(f => Send(HttpMethod.Get, $"/api/events/{f.OnSale}/sales"), [401, 403, 403, 200, 403, 403, 200]),
        ["POST /api/dev/tokens"] = new(_ => Send(HttpMethod.Post, "/api/dev/tokens", new { subject = "z@example.com", roles = new[] { "customer" } }),
            [200, 200, 200, 200, 200, 200, 200]),
        ["GET /api/feed/"] = new(_ => Send(HttpMethod.Get, "/api/feed"), [401, 403, 403, 403, 403, 403, 200]),
        ["POST /api/webhooks/"] = new(_ => Send(HttpMethod.Post, "/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "booking.refunded" } }),
            [401, 403, 403, 201, 201, 403, 201]),
        ["GET /api/webhooks/"] = new(_ => Send(HttpMethod.Get, "/api/webhooks"), [401, 403, 403, 200, 200, 403, 200]),
        ["DELETE /api/webhooks/{webhookId:guid}"] = new(_ => Send(HttpMethod.Delete, $"/api/webhooks/{Guid.NewGuid()}"), [401, 403, 403, 404, 404, 403, 404]),
        ["POST /api/webhooks/{webhookId:guid}/secret"] = new(_ => Send(HttpMethod.Post, $"/api/webhooks/{Guid.NewGuid()}/secret"), [401, 403, 403, 404, 404, 403, 404]),
        ["GET /api/webhooks/{webhookId:guid}/deliveries"] = new(_ => Send(HttpMethod.Get, $"/api/webhooks/{Guid.NewGuid()}/deliveries"), [401, 403, 403, 404, 404, 403, 404]),
        ["POST /api/webhooks/{webhookId:guid}/deliveries/{eventId:guid}/redeliver"] = new(_ => Send(HttpMethod.Post, $"/api/webhooks/{Guid.NewGuid()}/deliveries/{Guid.NewGuid()}/redeliver"),
            [401, 403, 403, 404, 404, 403, 404]),
        ["GET /api/ping"] = new(_ => Send(HttpMethod.Get, "/api/ping"), [200, 200, 200, 200, 200, 200, 200]),
        ["GET /"] = new(_ => Send(HttpMethod.Get, "/"), [200, 200, 200, 200, 200, 200, 200]),
        ["GET /openapi/{documentName}.json"] = new(_ => Send(HttpMethod.Get, "/openapi/v1.json"), [200, 200, 200, 200, 200, 200, 200]),
        [$"* {DeploymentContract.LivenessPath}"] = new(_ => Send(HttpMethod.Get, DeploymentContract.LivenessPath), [200, 200, 200, 200, 200, 200, 200]),
        [$"* {DeploymentContract.ReadinessPath}"] = new(_ => Send(HttpMethod.Get, DeploymentContract.ReadinessPath), [200, 200, 200, 200, 200, 200, 200]),
        [$"* {DeploymentContract.MetricsPath}"] = new(_ => Send(HttpMethod.Get, DeploymentContract.MetricsPath), [200, 200, 200, 200, 200, 200, 200]),
        // The dashboard is open in Development (this host); ProductionDashboardTests covers it elsewhere.
        [$"GET {DeploymentContract.DashboardPath}/"] = new(_ => Send(HttpMethod.Get, $"{DeploymentContract.DashboardPath}/"), [200, 200, 200, 200, 200, 200, 200]),
    };

    /// <summary>Every endpoint of the host, as "METHOD pattern", with its metadata.</summary>
    private List<(string Key, Endpoint Endpoint)> Endpoints()
    {
        var sources = factory.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => ($"{m} {Normalize(e.RoutePattern.RawText)}", (Endpoint)e)))
            .ToList();
    }

    private static string Normalize(string? pattern) => "/" + (pattern ?? "").TrimStart('/');

    private static bool IsDashboard(string key) => key.Split(' ')[1].StartsWith(DeploymentContract.DashboardPath, StringComparison.Ordinal);

    [Fact]
    public void Every_endpoint_says_who_may_call_it_and_has_a_row_in_the_matrix()
    {
        _ = factory.CreateAnonymousClient();
        var endpoints = Endpoints();

        var withoutPolicy = endpoints
            .Where(e => !e.Endpoint.Metadata.OfType<IAuthorizeData>().Any() && !e.Endpoint.Metadata.OfType<IAllowAnonymous>().Any())
            .Select(e => e.Key).ToList();
        Assert.True(withoutPolicy.Count == 0, "Endpoints that name no policy and are not AllowAnonymous: " + string.Join("; ", withoutPolicy));

        // The dashboard's many routes share its group's policy; its root stands for them in the matrix.
        var withoutRow = endpoints.Select(e => e.Key).Where(k => !Matrix.ContainsKey(k) && !IsDashboard(k)).Distinct().ToList();
        Assert.True(withoutRow.Count == 0, "Endpoints without a row in the authorization matrix: " + string.Join("; ", withoutRow));
        var stale = Matrix.Keys.Where(k => !IsDashboard(k) && endpoints.All(e => e.Key != k)).ToList();
        Assert.True(stale.Count == 0, "Matrix rows without an endpoint: " + string.Join("; ", stale));
    }

    public static TheoryData<string> Rows() => [.. Matrix.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_caller_gets_exactly_the_expected_status(string endpoint)
    {
        var row = Matrix[endpoint];
        var answered = new List<string>();
        foreach (var caller in Callers)
        {
            var fixture = await ArrangeAsync();
            using var client = ClientFor(caller);
            using var response = await client.SendAsync(row.Request(fixture));
            var expected = row.Statuses[(int)caller];
            if ((int)response.StatusCode != expected)
            {
                answered.Add($"{caller}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            else if (expected is 401 or 403 or 404)
            {
                // Every refusal is problem+json; a 401 also says how to authenticate.
                await response.AssertProblemAsync((HttpStatusCode)expected);
                if (expected == 401)
                {
                    Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                }
            }
        }

        Assert.True(answered.Count == 0, $"{endpoint}: " + string.Join("\n", answered));
    }

    private HttpClient ClientFor(Caller caller) => caller switch
    {
        Caller.Anonymous => factory.CreateAnonymousClient(),
        Caller.Customer => factory.CreateClient("carla@example.com", "customer"),
        Caller.OtherCustomer => factory.CreateClient("chris@example.com", "customer"),
        Caller.Organizer => factory.CreateClient("olga@example.com", "organizer"),
        Caller.OtherOrganizer => factory.CreateClient("oscar@example.com", "organizer"),
        Caller.Staff => factory.CreateClient("sam@example.com", "staff"),
        _ => factory.CreateClient("ada@example.com", "admin"),
    };

    /// <summary>A draft and an event on sale of the organizer, and a held booking of the customer.</summary>
    private async Task<Fixture> ArrangeAsync()
    {
        using var organizer = ClientFor(Caller.Organizer);
        using var customer = ClientFor(Caller.Customer);
        var draft = (await (await organizer.PostAsJsonAsync("/api/events", Api.Event())).Content.ReadFromJsonAsync<EventResponse>(Api.Json))!;
        var onSale = await organizer.CreatePublishedEventAsync();
        var booking = await customer.BookOkAsync(onSale.Id, new { section = "GA", quantity = 1 });
        return new Fixture(draft.Id, onSale.Id, booking.Id);
    }
}
