using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

/// <summary>The pull feed over the embedded (in-memory) integration event log.</summary>
public sealed class FeedApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();
    private readonly HttpClient _admin = factory.CreateClient("ada@example.com", "admin");

    /// <summary>The whole feed from the start, read in pages of <paramref name="limit"/>.</summary>
    private async Task<(List<IntegrationEventResponse> Events, string Next)> ReadAllAsync(int limit)
    {
        var all = new List<IntegrationEventResponse>();
        string? after = null;
        while (true)
        {
            var page = await _admin.GetAsync<FeedResponse>($"/api/feed?limit={limit}" + (after is null ? "" : $"&after={after}"));
            Assert.True(page.Events.Count <= limit);
            all.AddRange(page.Events);
            if (page.Events.Count == 0)
            {
                return (all, page.Next);
            }

            after = page.Next;
        }
    }

    [Fact]
    public async Task The_feed_returns_every_event_once_in_order_per_booking_and_event_and_resumes_from_its_cursor()
    {
        var ev = await _client.CreatePublishedEventAsync();
        var confirmed = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-1", "A-1-2" } });
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync($"/api/bookings/{confirmed.Id}/payment", new { paymentToken = "tok_visa" })).StatusCode);
        var released = await _client.BookOkAsync(ev.Id, new { email = "b@example.com", section = "GA", quantity = 3 });
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/bookings/{released.Id}")).StatusCode);

        var (events, next) = await ReadAllAsync(limit: 2);

        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        string[] Types(Guid aggregate) => events.Where(e => e.AggregateId == aggregate.ToString()).Select(e => e.Type).ToArray();
        long[] Sequences(Guid aggregate) => events.Where(e => e.AggregateId == aggregate.ToString()).Select(e => e.Sequence).ToArray();
        Assert.Equal([IntegrationEventTypes.EventCreated, IntegrationEventTypes.EventPublished], Types(ev.Id));
        Assert.Equal([1L, 2L], Sequences(ev.Id));
        Assert.Equal([IntegrationEventTypes.BookingHeld, IntegrationEventTypes.BookingConfirmed], Types(confirmed.Id));
        Assert.Equal([1L, 2L], Sequences(confirmed.Id));
        Assert.Equal([IntegrationEventTypes.BookingHeld, IntegrationEventTypes.BookingReleased], Types(released.Id));

        var sale = events.Single(e => e.Type == IntegrationEventTypes.BookingConfirmed && e.AggregateId == confirmed.Id.ToString()).Payload;
        Assert.Equal("a@example.com", sale.GetProperty("email").GetString());
        Assert.Equal(ev.Id, sale.GetProperty("eventId").GetGuid());
        Assert.Equal(["A-1-1", "A-1-2"], sale.GetProperty("tickets").EnumerateArray().Select(t => t.GetProperty("seat").GetString()));
        Assert.Equal(98.00m, sale.GetProperty("amount").GetDecimal());
        var published = events.Single(e => e.Type == IntegrationEventTypes.EventPublished && e.AggregateId == ev.Id.ToString()).Payload;
        Assert.Equal(("Arena Night", "OnSale"), (published.GetProperty("name").GetString(), published.GetProperty("status").GetString()));

        // Resuming from the last cursor gives only what happened since, once.
        Assert.Empty((await _admin.GetAsync<FeedResponse>($"/api/feed?after={next}")).Events);
        await _client.PostAsync($"/api/events/{ev.Id}/close", null);
        var after = await _admin.GetAsync<FeedResponse>($"/api/feed?after={next}");
        var closed = Assert.Single(after.Events);
        Assert.Equal((IntegrationEventTypes.EventChanged, ev.Id.ToString(), 3L), (closed.Type, closed.AggregateId, closed.Sequence));
        Assert.Empty((await _admin.GetAsync<FeedResponse>($"/api/feed?after={after.Next}")).Events);
    }

    [Theory]
    [InlineData("after=nonsense", "after")]
    [InlineData("after=djEuMS4y%21", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    public async Task A_bad_cursor_or_limit_is_a_400_naming_it(string query, string field)
    {
        var problem = await (await _admin.GetAsync($"/api/feed?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
