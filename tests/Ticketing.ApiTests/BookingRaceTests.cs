using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

/// <summary>
/// Many buyers, few seats: the counts are exact, so a single oversold or lost seat fails the test.
/// </summary>
public sealed class BookingRaceTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Two_thousand_buyers_for_the_same_hundred_seats_get_each_seat_exactly_once()
    {
        var ev = await _client.CreatePublishedEventAsync();
        // Rows 1-4 of section A: 100 seats, each wanted by 20 buyers at once.
        var contested = Enumerable.Range(1, 4).SelectMany(row => Enumerable.Range(1, 25).Select(n => $"A-{row}-{n}")).ToArray();
        var requests = Enumerable.Range(0, 2_000)
            .Select(i => contested[i % contested.Length])
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        var responses = await Task.WhenAll(requests.Select(async seat =>
        {
            var response = await _client.BookAsync(ev.Id, new { email = "race@example.com", seats = new[] { seat } });
            var booking = response.StatusCode == HttpStatusCode.Created
                ? await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json)
                : null;
            return (response.StatusCode, Booking: booking);
        }));

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Booking!).ToList();
        Assert.Equal(100, winners.Count);
        Assert.Equal(1_900, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(contested.Order(), winners.SelectMany(b => b.Seats).Order());

        var seats = await _client.GetSeatsAsync(ev.Id, "A");
        Assert.Equal(contested.Order(), seats.Where(s => s.Status == SeatStatus.Held).Select(s => s.Id).Order());
        var after = await _client.GetEventAsync(ev.Id);
        Assert.Equal(100, Api.AssertInvariantAndCountHeld(after));
        Assert.Equal(new AvailabilityResponse(500, 400, 100, 0), after.Sections.Single(s => s.Id == "A").Availability);
    }

    [Fact]
    public async Task Buyers_of_seat_pairs_across_two_blocks_never_leave_half_a_pair_held()
    {
        // Two seated sections, so every pair spans two seat blocks and relies on all-or-nothing.
        var ev = await _client.CreatePublishedEventAsync(Api.Event(sections: [
            new { id = "L", name = "Left", rows = 2, seatsPerRow = 25, price = 10m },
            new { id = "R", name = "Right", rows = 2, seatsPerRow = 25, price = 10m },
        ]));
        var seatIds = Enumerable.Range(1, 2).SelectMany(row => Enumerable.Range(1, 25).Select(n => (row, n))).ToArray();
        var random = new Random(42);

        // Each buyer wants one left seat and one right seat picked at random: pairs overlap in every way.
        var responses = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ =>
        {
            var (lr, ln) = seatIds[random.Next(seatIds.Length)];
            var (rr, rn) = seatIds[random.Next(seatIds.Length)];
            return _client.BookAsync(ev.Id, new { email = "pair@example.com", seats = new[] { $"L-{lr}-{ln}", $"R-{rr}-{rn}" } });
        }));

        var winners = new List<BookingResponse>();
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            winners.Add((await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!);
        }

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var heldByWinners = winners.SelectMany(b => b.Seats).ToList();
        Assert.Equal(heldByWinners.Count, heldByWinners.Distinct().Count());
        var held = (await _client.GetSeatsAsync(ev.Id, "L")).Concat(await _client.GetSeatsAsync(ev.Id, "R"))
            .Where(s => s.Status == SeatStatus.Held).Select(s => s.Id).Order();
        Assert.Equal(heldByWinners.Order(), held);
        Assert.Equal(2 * winners.Count, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }
}
