using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Ticketing.PostgresTests;

/// <summary>
/// Customers who each hold one random seat and then pay it (with test cards that succeed, decline, fail at the
/// provider or lose the provider's answer), release it or keep it, while faults happen; afterwards, the checks of
/// the chaos suite: nothing oversold, nothing acknowledged lost, no charge without its sale, every booking final.
/// </summary>
internal sealed class ChaosLoad(HttpClient http, string eventId, int sections)
{
    /// <summary>tok_lost_answer charges and never answers: the booking must ask the provider and end Confirmed.</summary>
    private static readonly string[] Cards = ["tok_visa", "tok_visa", "tok_declined", "tok_unavailable", "tok_flaky", "tok_lost_answer"];

    private readonly ConcurrentDictionary<string, string> _held = new();
    private readonly ConcurrentDictionary<string, string> _confirmed = new();
    private readonly ConcurrentDictionary<string, string> _paid = new();
    private readonly ConcurrentDictionary<string, string> _released = new();

    /// <summary>Holds whose release got no definite answer (503 or none): released or still held, either is right.</summary>
    private readonly ConcurrentDictionary<string, string> _releaseUnknown = new();
    private readonly ConcurrentBag<(TimeSpan Elapsed, int Status, string What, DateTime At)> _requests = [];

    private int _withoutRetryAfter;

    public int Requests => _requests.Count;

    /// <summary>503 answers to holds and releases that did not say when to retry.</summary>
    public int WithoutRetryAfter => _withoutRetryAfter;

    public int Acknowledged => _held.Count + _confirmed.Count + _released.Count;

    public IReadOnlyList<(TimeSpan Elapsed, int Status, string What, DateTime At)> Log => _requests.ToList();

    public TimeSpan Worst => _requests.IsEmpty ? TimeSpan.Zero : _requests.Max(r => r.Elapsed);

    /// <summary>Status counts, e.g. "201 x120, 409 x3, 503 x7" (0: no answer at all).</summary>
    public string Summary(DateTime? from = null, DateTime? until = null) => string.Join(", ", _requests.Where(r => (from is null || r.At >= from) && (until is null || r.At < until))
        .GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"));

    public List<Task> Start(int customers, int seed, CancellationToken stop) => Enumerable.Range(0, customers).Select(c => Task.Run(async () =>
    {
        var random = new Random(seed + c);
        while (!stop.IsCancellationRequested)
        {
            var seat = $"S{random.Next(1, sections + 1)}-{random.Next(1, 21)}-{random.Next(1, 26)}";
            var customer = Http.Bearer($"chaos-{Guid.NewGuid():N}", "customer");
            var (status, body) = await SendAsync(HttpMethod.Post, $"/api/events/{eventId}/bookings", customer, new { email = "chaos@example.com", seats = new[] { seat } }, "hold");
            if (status != 201)
            {
                continue;
            }

            var booking = body!.Value.GetProperty("id").GetString()!;
            switch (random.Next(4))
            {
                case 0:
                    _held[booking] = seat;
                    break;
                case 1:
                    _held[booking] = seat;
                    var released = (await SendAsync(HttpMethod.Delete, $"/api/bookings/{booking}", customer, null, "release")).Status;
                    if (released == 204)
                    {
                        _held.TryRemove(booking, out _);
                        _released[booking] = seat;
                    }
                    else if (released is 0 or >= 500)
                    {
                        // The grain may still have done it after the API stopped waiting (or before the answer was lost).
                        _held.TryRemove(booking, out _);
                        _releaseUnknown[booking] = seat;
                    }

                    break;
                default:
                    _paid[booking] = seat;
                    var card = Cards[random.Next(Cards.Length)];
                    if ((await SendAsync(HttpMethod.Post, $"/api/bookings/{booking}/payment", customer, new { paymentToken = card }, "pay")).Status == 200)
                    {
                        _confirmed[booking] = seat;
                    }

                    break;
            }
        }
    })).ToList();

    private async Task<(int Status, JsonElement? Body)> SendAsync(HttpMethod method, string path, System.Net.Http.Headers.AuthenticationHeaderValue customer, object? content, string what)
    {
        var started = Stopwatch.GetTimestamp();
        var at = DateTime.UtcNow;
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content is null ? null : JsonContent.Create(content) };
            request.Headers.Authorization = customer;
            using var response = await http.SendAsync(request);
            var body = response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK
                ? await response.Content.ReadFromJsonAsync<JsonElement>()
                : (JsonElement?)null;
            _requests.Add((Stopwatch.GetElapsedTime(started), (int)response.StatusCode, what, at));
            // A payment's 503 may be the provider's failure, which ends the booking PaymentFailed (no retry to suggest).
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is null && what != "pay")
            {
                Interlocked.Increment(ref _withoutRetryAfter);
            }

            return ((int)response.StatusCode, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            // No answer: the request's outcome is unknown, and it counts as waiting as long as it did.
            _requests.Add((Stopwatch.GetElapsedTime(started), 0, what, at));
            return (0, null);
        }
    }

    /// <summary>
    /// Once the load has stopped: every booking leaves PaymentPending (within <paramref name="settle"/>), then every
    /// invariant of the suite holds.
    /// </summary>
    public async Task AssertNothingLostAsync(string connectionString, TimeSpan settle)
    {
        // Bookings whose payment was left unanswered settle on their own (the provider is asked by the charge key).
        var statuses = new Dictionary<string, string>();
        var deadline = DateTime.UtcNow + settle;
        foreach (var booking in _paid.Keys.Concat(_held.Keys).Concat(_released.Keys).Concat(_releaseUnknown.Keys).Distinct())
        {
            string status;
            while ((status = await StatusAsync(booking)) is "PaymentPending" or "RefundPending" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }

            statuses[booking] = status;
        }

        Assert.All(statuses, s => Assert.DoesNotContain(s.Value, new[] { "PaymentPending", "RefundPending" }));

        // Every hold acknowledged and left alone is still held, with its seat; every payment answered 200 is sold.
        Assert.All(_held, h => Assert.Equal("Held", statuses[h.Key]));
        Assert.All(_confirmed, c => Assert.Equal("Confirmed", statuses[c.Key]));
        Assert.All(_released, r => Assert.DoesNotContain(statuses[r.Key], new[] { "Held", "Confirmed" }));
        Assert.All(_releaseUnknown, r => Assert.Contains(statuses[r.Key], new[] { "Held", "Released" }));

        var seats = new Dictionary<string, string>();
        for (var i = 1; i <= sections; i++)
        {
            var map = await (await http.GetAsync($"/api/events/{eventId}/sections/S{i}/seats")).JsonAsync(HttpStatusCode.OK);
            foreach (var seat in map.EnumerateArray())
            {
                Assert.True(seats.TryAdd(seat.GetProperty("id").GetString()!, seat.GetProperty("status").GetString()!), "A seat is listed twice.");
            }
        }

        Assert.All(_held, h => Assert.Equal("Held", seats[h.Value]));
        Assert.All(_releaseUnknown.Where(r => statuses[r.Key] == "Held"), r => Assert.Equal("Held", seats[r.Value]));
        var sold = statuses.Where(s => s.Value == "Confirmed").Select(s => _paid[s.Key]).ToList();
        Assert.Equal(sold.Count, sold.Distinct().Count());
        Assert.All(sold, seat => Assert.Equal("Sold", seats[seat]));

        // No oversell: the counts add up, and exactly the seats of Confirmed bookings are sold.
        var (held, soldCount) = await http.AssertInvariantAsync(eventId);
        Assert.Equal(seats.Count(s => s.Value == "Held"), held);
        Assert.Equal(seats.Count(s => s.Value == "Sold"), soldCount);
        Assert.Equal(sold.Count, soldCount);
        Assert.True(held >= _held.Count, $"{held} seats held, fewer than the {_held.Count} acknowledged holds.");

        // The provider's records against the bookings: a charge exactly for each Confirmed booking, none twice.
        var charges = await ApprovedChargesAsync(connectionString);
        foreach (var (booking, status) in statuses.Where(s => _paid.ContainsKey(s.Key)))
        {
            var key = $"booking-{Guid.Parse(booking):N}-charge";
            Assert.True(charges.Contains(key) == (status == "Confirmed"),
                $"Booking {booking} is {status} but the provider {(charges.Contains(key) ? "charged" : "did not charge")} it.");
        }
    }

    private async Task<string> StatusAsync(string booking) =>
        (await (await http.GetAsync($"/api/bookings/{booking}")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString()!;

    private static async Task<HashSet<string>> ApprovedChargesAsync(string connectionString)
    {
        var keys = new HashSet<string>();
        // Unpooled: a pooled connection of this process may be one that a PostgreSQL restart has cut.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT idempotency_key FROM ticketing_simulated_payments WHERE kind = 'charge' AND approved", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.True(keys.Add(reader.GetString(0)), $"The charge {reader.GetString(0)} is recorded twice.");
        }

        return keys;
    }
}
