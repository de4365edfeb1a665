using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Ticketing.Api.Security;

namespace Ticketing.PostgresTests;

/// <summary>
/// The few API calls these tests make, on plain JSON (the hosts run in other processes), with bearer tokens signed
/// by the key those processes are started with.
/// </summary>
internal static class Http
{
    /// <summary>The API's Jwt:SigningKey in the processes these tests start.</summary>
    public static readonly string SigningKey = $"postgres-tests-{Guid.NewGuid():N}";

    private static readonly TokenIssuer Issuer = new(Options.Create(new JwtOptions { SigningKey = SigningKey }), TimeProvider.System);

#pragma warning disable CA2255 // A test assembly: every host process it starts must inherit the key, whichever test starts first.
    [ModuleInitializer]
    internal static void ShareSigningKeyWithHostProcesses() => Environment.SetEnvironmentVariable("Jwt__SigningKey", SigningKey);
#pragma warning restore CA2255

    /// <summary>A client that acts as an admin: it creates events, books, and reads any booking.</summary>
    public static HttpClient Client(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = Bearer("postgres-tests-admin", "admin");
        return client;
    }

    public static AuthenticationHeaderValue Bearer(string subject, params string[] roles) =>
        new("Bearer", Issuer.Issue(subject, roles, TimeSpan.FromDays(1)));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<string> CreatePublishedEventAsync(this HttpClient http, int holdSeconds, object[] sections)
    {
        var created = await (await http.PostAsJsonAsync("/api/events", new
        {
            name = "Durable Night", venue = "Hall", startsAt = "2027-03-01T19:00:00Z", currency = "EUR", holdSeconds, sections,
        })).JsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await (await http.PostAsync($"/api/events/{id}/publish", null)).JsonAsync(HttpStatusCode.OK);
        return id;
    }

    public static async Task<JsonElement> BookAsync(this HttpClient http, string eventId, params string[] seats) =>
        await (await http.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { email = "durable@example.com", seats }))
            .JsonAsync(HttpStatusCode.Created);

    public static async Task<Dictionary<string, string>> SeatMapAsync(this HttpClient http, string eventId, string section)
    {
        var seats = await (await http.GetAsync($"/api/events/{eventId}/sections/{section}/seats")).JsonAsync(HttpStatusCode.OK);
        return seats.EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString()!);
    }

    public static async Task<string> BookingStatusAsync(this HttpClient http, string bookingId) =>
        (await (await http.GetAsync($"/api/bookings/{bookingId}")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString()!;

    /// <summary>Every section's availability adds up; returns (held, sold) over the event.</summary>
    public static async Task<(int Held, int Sold)> AssertInvariantAsync(this HttpClient http, string eventId)
    {
        var ev = await (await http.GetAsync($"/api/events/{eventId}")).JsonAsync(HttpStatusCode.OK);
        int held = 0, sold = 0;
        foreach (var section in ev.GetProperty("sections").EnumerateArray())
        {
            var a = section.GetProperty("availability");
            Assert.Equal(a.GetProperty("capacity").GetInt32(), a.GetProperty("free").GetInt32() + a.GetProperty("held").GetInt32() + a.GetProperty("sold").GetInt32());
            held += a.GetProperty("held").GetInt32();
            sold += a.GetProperty("sold").GetInt32();
        }

        return (held, sold);
    }
}
