using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

/// <summary>No request does unbounded work: caps on what an event may be, paged seat maps, background cancellation.</summary>
public sealed class BoundedWorkTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static object[] Sections(int count, int rows, int seatsPerRow) =>
        Enumerable.Range(1, count).Select(i => (object)new { id = $"S{i}", name = $"Section {i}", rows, seatsPerRow, price = 10m }).ToArray();

    [Fact]
    public async Task An_event_past_the_seat_or_section_caps_is_a_400_saying_so()
    {
        var tooBig = await _client.PostAsJsonAsync("/api/events", Api.Event(sections: [new { id = "GA", name = "Field", capacity = 1_000_000, price = 1m }]));
        var tooMany = await _client.PostAsJsonAsync("/api/events", Api.Event(sections: Sections(401, 1, 1)));

        Assert.Contains("at most 200000 places", (await tooBig.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Contains("at most 400 sections", (await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_big_seat_map_comes_in_pages_of_whole_rows_linked_to_the_next()
    {
        // 1,000 rows of 50: 50,000 seats, 100 rows (5,000 seats) a page.
        var ev = await _client.CreatePublishedEventAsync(Api.Event(sections: [new { id = "A", name = "Bowl", rows = 1000, seatsPerRow = 50, price = 1m }]));

        var first = await _client.GetAsync($"/api/events/{ev.Id}/sections/A/seats");
        var seats = (await first.Content.ReadFromJsonAsync<List<SeatResponse>>(Api.Json))!;
        Assert.Equal(5_000, seats.Count);
        Assert.Equal((1, 100), (seats.Min(s => s.Row), seats.Max(s => s.Row)));
        Assert.Equal($"</api/events/{ev.Id}/sections/A/seats?fromRow=101&rows=100>; rel=\"next\"", first.Headers.GetValues("Link").Single());

        var last = await _client.GetAsync($"/api/events/{ev.Id}/sections/A/seats?fromRow=991&rows=10");
        Assert.Equal(500, (await last.Content.ReadFromJsonAsync<List<SeatResponse>>(Api.Json))!.Count);
        Assert.False(last.Headers.Contains("Link"));
        await (await _client.GetAsync($"/api/events/{ev.Id}/sections/A/seats?rows=101")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Cancelling_a_100000_seat_event_answers_202_at_once_and_finishes_in_the_background()
    {
        // 200 sections of 20 x 25: 100,000 seats in 200 blocks, and 60 bookings to cancel (some paid).
        var ev = await _client.CreatePublishedEventAsync(Api.Event(sections: Sections(200, 20, 25)));
        var bookings = new List<Guid>();
        for (var i = 0; i < 60; i++)
        {
            var booking = await _client.BookOkAsync(ev.Id, new { email = "c@example.com", section = $"S{i % 200 + 1}", quantity = 2 });
            if (i % 10 == 0)
            {
                Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync($"/api/bookings/{booking.Id}/payment", new { paymentToken = "tok_visa" })).StatusCode);
            }

            bookings.Add(booking.Id);
        }

        var started = Stopwatch.StartNew();
        var cancelled = await _client.PostAsync($"/api/events/{ev.Id}/cancel", null);
        var answeredIn = started.Elapsed;

        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal($"/api/events/{ev.Id}", cancelled.Headers.Location?.OriginalString);
        var accepted = (await cancelled.Content.ReadFromJsonAsync<EventResponse>(Api.Json))!;
        Assert.Equal(EventStatus.Cancelled, accepted.Status);
        Assert.Equal(60, accepted.Cancellation!.Bookings);
        Assert.False(accepted.Cancellation.Completed);
        Assert.True(answeredIn < TimeSpan.FromSeconds(10), $"The cancellation answered after {answeredIn}.");

        EventResponse now;
        var deadline = Stopwatch.StartNew();
        do
        {
            await Task.Delay(100);
            now = await _client.GetEventAsync(ev.Id);
        }
        while (!now.Cancellation!.Completed && deadline.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Equal(new CancellationResponse(60, 60, true), now.Cancellation);
        Assert.All(now.Sections, s => Assert.Equal((0, 0), (s.Availability!.Held, s.Availability.Sold)));
        foreach (var id in bookings)
        {
            var booking = await _client.GetAsync<BookingResponse>($"/api/bookings/{id}");
            Assert.Contains(booking.Status, new[] { BookingStatus.Released, BookingStatus.Cancelled });
        }
    }
}
