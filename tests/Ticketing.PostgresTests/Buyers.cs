using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace Ticketing.PostgresTests;

/// <summary>
/// Buyers who each book one random seat after another until stopped, and the check that every hold they were
/// told about is still there afterwards.
/// </summary>
internal sealed class Buyers(HttpClient http, string eventId, int sections)
{
    public ConcurrentBag<(string Booking, string Seat)> Acknowledged { get; } = [];

    public ConcurrentBag<HttpStatusCode> Failures { get; } = [];

    /// <summary>Twelve blocks of 500 seats, so that buyers never run out during a test.</summary>
    public static object[] House(int sections) => Enumerable.Range(1, sections)
        .Select(i => (object)new { id = $"S{i}", name = $"Section {i}", rows = 20, seatsPerRow = 25, price = 10m })
        .ToArray();

    public List<Task> Start(int count, int seed, CancellationToken stop) => Enumerable.Range(0, count).Select(buyer => Task.Run(async () =>
    {
        var random = new Random(seed + buyer);
        while (!stop.IsCancellationRequested)
        {
            var seat = $"S{random.Next(1, sections + 1)}-{random.Next(1, 21)}-{random.Next(1, 26)}";
            try
            {
                // A new customer for every attempt, so that neither the rate limits nor the purchase limit stop the buyers.
                var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/bookings")
                {
                    Content = JsonContent.Create(new { email = "load@example.com", seats = new[] { seat } }),
                };
                request.Headers.Authorization = Http.Bearer($"buyer-{Guid.NewGuid():N}", "customer");
                var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var booking = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
                    Acknowledged.Add((booking.GetProperty("id").GetString()!, seat));
                }
                else if (response.StatusCode != HttpStatusCode.Conflict)
                {
                    Failures.Add(response.StatusCode);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException or System.Text.Json.JsonException)
            {
                // The process died under the request (or while its answer was read): not acknowledged, so nothing to check.
                Failures.Add(HttpStatusCode.RequestTimeout);
            }
        }
    })).ToList();

    /// <summary>No seat acknowledged twice, every acknowledged hold present, and the counts add up.</summary>
    public async Task AssertNoAcknowledgedHoldLostAsync()
    {
        var seats = new Dictionary<string, string>();
        for (var i = 1; i <= sections; i++)
        {
            foreach (var (id, status) in await http.SeatMapAsync(eventId, $"S{i}"))
            {
                seats[id] = status;
            }
        }

        Assert.Equal(Acknowledged.Count, Acknowledged.Select(a => a.Seat).Distinct().Count());
        foreach (var (booking, seat) in Acknowledged)
        {
            Assert.Equal("Held", seats[seat]);
            Assert.Equal("Held", await http.BookingStatusAsync(booking));
        }

        var (held, sold) = await http.AssertInvariantAsync(eventId);
        Assert.Equal(seats.Count(s => s.Value == "Held"), held);
        Assert.True(held >= Acknowledged.Count);
        Assert.Equal(0, sold);
    }
}
