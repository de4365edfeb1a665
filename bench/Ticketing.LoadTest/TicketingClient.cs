using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ticketing.LoadTest;

/// <summary>The API calls of the scenarios. Each call reports its status and how long it took.</summary>
public sealed class TicketingClient(HttpClient http)
{
    public readonly record struct Outcome(HttpStatusCode Status, long Microseconds, JsonElement? Body, bool Failed);

    public Task<Outcome> PingAsync() => SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/ping"), readBody: false);

    // Each call acts as one customer: the bearer token of that customer.

    public Task<Outcome> BookSeatsAsync(string customer, string eventId, params string[] seats) =>
        SendAsync(customer, new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/bookings")
        {
            Content = JsonContent.Create(new { email = "load@example.com", seats }),
        }, readBody: true);

    public Task<Outcome> BookBestAvailableAsync(string customer, string eventId, string section, int quantity) =>
        SendAsync(customer, new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/bookings")
        {
            Content = JsonContent.Create(new { email = "load@example.com", section, quantity }),
        }, readBody: true);

    public Task<Outcome> ReleaseAsync(string customer, string bookingId) =>
        SendAsync(customer, new HttpRequestMessage(HttpMethod.Delete, $"/api/bookings/{bookingId}"), readBody: false);

    public Task<Outcome> PayAsync(string customer, string bookingId, string token) =>
        SendAsync(customer, new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{bookingId}/payment")
        {
            Content = JsonContent.Create(new { paymentToken = token }),
        }, readBody: false);

    public Task<Outcome> CancelAsync(string customer, string bookingId) =>
        SendAsync(customer, new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{bookingId}/cancel"), readBody: false);

    public Task<Outcome> PayForTicketsAsync(string customer, string bookingId) =>
        SendAsync(customer, new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{bookingId}/payment")
        {
            Content = JsonContent.Create(new { paymentToken = "tok_visa" }),
        }, readBody: true);

    public Task<Outcome> CheckInAsync(string staff, string eventId, string code, string gate) =>
        SendAsync(staff, new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/checkins")
        {
            Content = JsonContent.Create(new { code, gate }),
        }, readBody: false);

    private Task<Outcome> SendAsync(string customer, HttpRequestMessage request, bool readBody)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer);
        return SendAsync(request, readBody);
    }

    private async Task<Outcome> SendAsync(HttpRequestMessage request, bool readBody)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request);
            JsonElement? body = null;
            if (readBody && response.IsSuccessStatusCode)
            {
                body = await response.Content.ReadFromJsonAsync<JsonElement>();
            }
            else
            {
                await response.Content.LoadIntoBufferAsync();
            }

            return new Outcome(response.StatusCode, Elapsed(started), body, (int)response.StatusCode >= 500);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(0, Elapsed(started), null, true);
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
}
