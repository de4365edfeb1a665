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

/// <summary>Buyers who book, pay (well or badly), cancel and release at once, on few seats.</summary>
public sealed class MixedSaleTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task After_a_mixed_concurrent_run_sold_seats_are_exactly_the_seats_of_confirmed_bookings()
    {
        var ev = await _client.CreatePublishedEventAsync(Api.Event(sections: [
            new { id = "A", name = "Floor", rows = 2, seatsPerRow = 20, price = 10m },
            new { id = "GA", name = "Standing", capacity = 30, price = 5m },
        ]));

        var bookingIds = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => BuyerAsync(ev.Id, i)));

        var bookings = new List<BookingResponse>();
        foreach (var id in bookingIds.OfType<Guid>())
        {
            bookings.Add(await _client.GetAsync<BookingResponse>($"/api/bookings/{id}"));
        }

        var confirmed = bookings.Where(b => b.Status == BookingStatus.Confirmed).ToList();
        var confirmedSeats = confirmed.SelectMany(b => b.Seats).ToList();
        Assert.Equal(confirmedSeats.Count, confirmedSeats.Distinct().Count());
        var sold = (await _client.GetSeatsAsync(ev.Id, "A")).Where(s => s.Status == SeatStatus.Sold).Select(s => s.Id);
        Assert.Equal(confirmedSeats.Order(), sold.Order());

        var after = await _client.GetEventAsync(ev.Id);
        Api.AssertInvariantAndCountHeld(after);
        Assert.Equal(confirmed.Where(b => b.Section == "GA").Sum(b => b.Quantity), after.Sections.Single(s => s.Id == "GA").Availability!.Sold);
        Assert.Equal(bookings.Where(b => b.Status == BookingStatus.Held).Sum(b => b.Quantity), after.Sections.Sum(s => s.Availability!.Held));
        Assert.True(confirmed.Count > 0, "Some buyers must have paid.");
    }

    /// <summary>One buyer's whole visit: book, then one of pay well, pay badly, pay and cancel, release, or walk away.</summary>
    private async Task<Guid?> BuyerAsync(Guid eventId, int buyer)
    {
        var random = new Random(buyer);
        object body = random.Next(3) switch
        {
            0 => new { email = $"b{buyer}@example.com", section = "GA", quantity = random.Next(1, 4) },
            1 => new { email = $"b{buyer}@example.com", section = "A", quantity = random.Next(1, 3) },
            _ => new { email = $"b{buyer}@example.com", seats = new[] { $"A-{random.Next(1, 3)}-{random.Next(1, 21)}" } },
        };
        var response = await _client.BookAsync(eventId, body);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            return null;
        }

        var booking = (await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
        switch (random.Next(5))
        {
            case 0:
                await _client.PostAsJsonAsync($"/api/bookings/{booking.Id}/payment", new { paymentToken = "tok_visa" });
                break;
            case 1:
                await _client.PostAsJsonAsync($"/api/bookings/{booking.Id}/payment", new { paymentToken = "tok_declined" });
                break;
            case 2:
                await _client.PostAsJsonAsync($"/api/bookings/{booking.Id}/payment", new { paymentToken = "tok_visa" });
                await _client.PostAsync($"/api/bookings/{booking.Id}/cancel", null);
                break;
            case 3:
                await _client.DeleteAsync($"/api/bookings/{booking.Id}");
                break;
        }

        return booking.Id;
    }
}
