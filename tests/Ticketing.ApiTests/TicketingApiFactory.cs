using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Ticketing.Api.Contracts;
using Ticketing.Api.Security;

namespace Ticketing.ApiTests;

/// <summary>
/// The real API host with its embedded silo, on free ports, with a fake clock for grains so tests can move time.
/// Its clients carry a token of <see cref="DefaultSubject"/> (customer and organizer) unless a test asks for another
/// caller (<see cref="CreateClient(string, string[])"/>, <see cref="CreateAnonymousClient"/>); the rate limits are
/// raised out of the way, except where a test sets them itself.
/// </summary>
public class TicketingApiFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2027, 2, 1, 9, 0, 0, TimeSpan.Zero);

    public const string SigningKey = "test-signing-key-of-the-api-tests-0123456789";

    public const string DefaultSubject = "tester";

    /// <summary>The fixed ticket signing key of the API tests (ECDSA P-256, PKCS#8).</summary>
    public const string TicketKeyId = "test-1";

    public const string TicketPrivateKey =
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg02EfzTGn6XpvUeAYd5jNnlKrQTpsZpgWvYK+2387HzahRANCAASmQEg/DmL7DV/VZbvgj88ueqBwSKUI2B3DIeoPGjXYB0R/jAO2Ql3AYXn1tEOasixs4il0+DAknIJH4yHBqEiz";

    /// <summary>Test tokens outlive any clock a test moves.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(30);

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>A client calling as <paramref name="subject"/> with these roles.</summary>
    public HttpClient CreateClient(string subject, params string[] roles) => WithToken(CreateAnonymousClient(), IssueToken(subject, roles));

    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    public string IssueToken(string subject, params string[] roles) =>
        Services.GetRequiredService<TokenIssuer>().Issue(subject, roles, TokenLifetime);

    public static HttpClient WithToken(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        WithToken(client, IssueToken(DefaultSubject, Roles.Customer, Roles.Organizer));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString());
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString());
        builder.UseSetting("Jwt:SigningKey", SigningKey);
        builder.UseSetting("RateLimits:CustomerPermits", "1000000");
        builder.UseSetting("RateLimits:AnonymousReadPermits", "1000000");
        builder.UseSetting("RateLimits:TokenPermits", "1000000");
        builder.UseSetting("Tickets:SigningKeyId", TicketKeyId);
        builder.UseSetting($"Tickets:Keys:{TicketKeyId}:PrivateKey", TicketPrivateKey);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The API host on real time: the stream provider's pulling agents run on the grain clock, and a fake clock that never
/// moves would never deliver an event to live availability or the sales projection.
/// </summary>
public class RealTimeApiFactory : TicketingApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton(TimeProvider.System));
    }
}

internal static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>An event body; its purchase limit is out of the way unless a test sets one.</summary>
    public static object Event(int holdSeconds = 600, object[]? sections = null, int maxSeatsPerCustomer = 100_000) => new
    {
        name = "Arena Night",
        description = "A test event",
        venue = "Arena",
        startsAt = "2027-03-01T19:00:00Z",
        currency = "EUR",
        holdSeconds,
        maxSeatsPerCustomer,
        sections = sections ?? [
            new { id = "A", name = "Floor A", rows = 20, seatsPerRow = 25, price = 49.00m },
            new { id = "GA", name = "Standing", capacity = 5000, price = 29.00m },
        ],
    };

    public static async Task<EventResponse> CreatePublishedEventAsync(this HttpClient client, object? body = null)
    {
        var created = await client.PostAsJsonAsync("/api/events", body ?? Event());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ev = (await created.Content.ReadFromJsonAsync<EventResponse>(Json))!;
        var published = await client.PostAsync($"/api/events/{ev.Id}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        return (await published.Content.ReadFromJsonAsync<EventResponse>(Json))!;
    }

    public static Task<HttpResponseMessage> BookAsync(this HttpClient client, Guid eventId, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/bookings") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return client.SendAsync(request);
    }

    public static async Task<BookingResponse> BookOkAsync(this HttpClient client, Guid eventId, object body)
    {
        var response = await client.BookAsync(eventId, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BookingResponse>(Json))!;
    }

    public static async Task<T> GetAsync<T>(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static Task<EventResponse> GetEventAsync(this HttpClient client, Guid eventId) =>
        client.GetAsync<EventResponse>($"/api/events/{eventId}");

    public static Task<List<SeatResponse>> GetSeatsAsync(this HttpClient client, Guid eventId, string section) =>
        client.GetAsync<List<SeatResponse>>($"/api/events/{eventId}/sections/{section}/seats");

    /// <summary>Asserts an RFC 9457 problem with the status, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>Waits until <paramref name="condition"/> holds: for what arrives by a message or a stream, normally in milliseconds.</summary>
    public static async Task Eventually(Func<Task<bool>> condition)
    {
        // Plenty of time on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 60 seconds.");
            await Task.Delay(50);
        }
    }

    /// <summary>Every section's counts add up to its capacity; returns the total held.</summary>
    public static int AssertInvariantAndCountHeld(EventResponse ev)
    {
        foreach (var section in ev.Sections)
        {
            var a = section.Availability!;
            Assert.Equal(section.Capacity, a.Capacity);
            Assert.Equal(a.Capacity, a.Free + a.Held + a.Sold);
        }

        return ev.Sections.Sum(s => s.Availability!.Held);
    }
}
