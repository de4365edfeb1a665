using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ticketing.LoadTest;

/// <summary>
/// The checkin scenario's tickets: bought before the run (a general-admission event, bookings of 10 paid by the run's
/// customers), scanned once each in turn by a staff member of the event at one of 40 gates. Once every ticket was
/// scanned the scans start over, and the API must answer 409 (entered already).
/// </summary>
public sealed class CheckinTickets
{
    private const int PerBooking = 10;

    private readonly string[] _codes;
    private readonly int[] _admissions;
    private long _next = -1;

    private CheckinTickets(string eventId, string staff, string[] codes)
    {
        (EventId, Staff, _codes) = (eventId, staff, codes);
        _admissions = new int[codes.Length];
    }

    public string EventId { get; }

    /// <summary>The bearer token of the event's staff member.</summary>
    public string Staff { get; }

    public int Count => _codes.Length;

    public (int Index, string Code, string Gate) Next()
    {
        var index = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)_codes.Length);
        return (index, _codes[index], $"Gate-{index % 40 + 1}");
    }

    public void Admitted(int index) => Interlocked.Increment(ref _admissions[index]);

    /// <summary>No ticket was admitted twice.</summary>
    public List<string> Problems() =>
        _admissions.Select((n, i) => (n, i)).Where(x => x.n > 1).Select(x => $"ticket {x.i} admitted {x.n} times").Take(20).ToList();

    public static async Task<CheckinTickets> PrepareAsync(HttpClient http, TicketingClient api, RunTokens tokens, TokenMinter minter, int tickets, int connections)
    {
        var bookings = (tickets + PerBooking - 1) / PerBooking;
        var created = await http.PostAsJsonAsync("/api/events", new
        {
            name = "Doors open (load test)", venue = "Benchmark Arena", startsAt = "2027-06-01T19:00:00Z", currency = "EUR", holdSeconds = 600,
            maxSeatsPerCustomer = PerBooking,
            sections = new[] { new { id = "GA", name = "Standing", capacity = bookings * PerBooking, price = 10m } },
        });
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the event failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        var eventId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        (await http.PostAsync($"/api/events/{eventId}/publish", null)).EnsureSuccessStatusCode();
        var subject = $"load-gate-{Guid.NewGuid():N}"[..18];
        (await http.PostAsJsonAsync($"/api/events/{eventId}/staff", new { subject })).EnsureSuccessStatusCode();
        var staff = minter.Mint(subject, ["staff"], TimeSpan.FromHours(2));

        var codes = new string[bookings * PerBooking];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(connections, 32)).Select(_ => Task.Run(async () =>
        {
            for (var b = Interlocked.Increment(ref next); b < bookings; b = Interlocked.Increment(ref next))
            {
                var customer = tokens.NextCustomer();
                var held = await api.BookBestAvailableAsync(customer, eventId, "GA", PerBooking);
                if (held.Status != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"Buying tickets failed: {(int)held.Status}.");
                }

                var paid = await api.PayForTicketsAsync(customer, held.Body!.Value.GetProperty("id").GetString()!);
                var ticketCodes = paid.Body?.GetProperty("tickets").EnumerateArray().Select(t => t.GetProperty("code").GetString()!).ToArray();
                if (paid.Status != HttpStatusCode.OK || ticketCodes is not { Length: PerBooking })
                {
                    throw new InvalidOperationException($"Paying for tickets failed: {(int)paid.Status}.");
                }

                ticketCodes.CopyTo(codes, b * PerBooking);
            }
        })));

        // Shuffled, so that consecutive scans are not the same booking's tickets.
        Random.Shared.Shuffle(codes);
        return new CheckinTickets(eventId, staff, codes);
    }
}
