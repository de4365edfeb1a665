using System.Net.Http.Json;
using System.Text.Json;

namespace Ticketing.LoadTest;

/// <summary>
/// After a run, through the API: every section's counts add up to its capacity; the seat map lists every seat
/// once and agrees with the counts; held and sold seats are exactly those of the bookings the run left Held or
/// Confirmed (bookings whose last answer was lost are looked up).
/// </summary>
public static class InvariantCheck
{
    public static async Task<List<string>> RunAsync(HttpClient http, string eventId, LoadResult result)
    {
        var problems = new List<string>();
        var ev = await http.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        long held = 0, sold = 0;
        foreach (var section in ev.GetProperty("sections").EnumerateArray())
        {
            var id = section.GetProperty("id").GetString()!;
            var a = section.GetProperty("availability");
            int capacity = a.GetProperty("capacity").GetInt32(), free = a.GetProperty("free").GetInt32();
            int sectionHeld = a.GetProperty("held").GetInt32(), sectionSold = a.GetProperty("sold").GetInt32();
            held += sectionHeld;
            sold += sectionSold;
            if (free + sectionHeld + sectionSold != capacity)
            {
                problems.Add($"section {id}: free {free} + held {sectionHeld} + sold {sectionSold} != capacity {capacity}");
            }

            var seats = await SeatMapAsync(http, $"/api/events/{eventId}/sections/{id}/seats");
            var ids = seats.Select(s => s.GetProperty("id").GetString()).ToList();
            if (ids.Count != capacity || ids.Distinct().Count() != ids.Count)
            {
                problems.Add($"section {id}: the seat map lists {ids.Count} seats ({ids.Distinct().Count()} distinct) for a capacity of {capacity}");
            }

            var mapHeld = seats.Count(s => s.GetProperty("status").GetString() == "Held");
            var mapSold = seats.Count(s => s.GetProperty("status").GetString() == "Sold");
            if (mapHeld != sectionHeld || mapSold != sectionSold)
            {
                problems.Add($"section {id}: seat map has {mapHeld} held / {mapSold} sold, availability says {sectionHeld} / {sectionSold}");
            }
        }

        // What the run's own bookings should account for.
        long expectedHeld = 0, expectedSold = 0;
        // Every booking whose last request got no clear answer is looked up; the others ended released or cancelled.
        foreach (var bookingId in result.UncertainBookings)
        {
            var booking = await http.GetFromJsonAsync<JsonElement>($"/api/bookings/{bookingId}");
            var quantity = booking.GetProperty("quantity").GetInt32();
            switch (booking.GetProperty("status").GetString())
            {
                case "Held":
                    expectedHeld += quantity;
                    break;
                case "Confirmed":
                    expectedSold += quantity;
                    break;
            }
        }

        if (sold != expectedSold)
        {
            problems.Add($"sold seats {sold} != seats of the run's Confirmed bookings {expectedSold}");
        }

        // A booking whose creation got no answer may hold seats we cannot name; then held may only exceed.
        if (result.UnknownHolds == 0 ? held != expectedHeld : held < expectedHeld)
        {
            problems.Add($"held seats {held} != seats of the run's Held bookings {expectedHeld} ({result.UnknownHolds} bookings with unknown outcome)");
        }

        return problems;
    }

    /// <summary>Every page of a seat map: the API pages big sections by whole rows and links the next page.</summary>
    private static async Task<List<JsonElement>> SeatMapAsync(HttpClient http, string url)
    {
        var seats = new List<JsonElement>();
        for (string? next = url; next is not null;)
        {
            using var response = await http.GetAsync(next);
            response.EnsureSuccessStatusCode();
            seats.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
            next = response.Headers.TryGetValues("Link", out var links)
                ? links.Select(l => l.Split(';')).Where(p => p.Length > 1 && p[1].Trim() == "rel=\"next\"").Select(p => p[0].Trim().Trim('<', '>')).FirstOrDefault()
                : null;
        }

        return seats;
    }
}
