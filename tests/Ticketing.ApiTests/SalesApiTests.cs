using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;

namespace Ticketing.ApiTests;

/// <summary>An event's sales as its organizer reads them, counted from the event's stream.</summary>
public sealed class SalesApiTests(RealTimeApiFactory factory) : IClassFixture<RealTimeApiFactory>
{
    private readonly HttpClient _organizer = factory.CreateClient();

    private Task<EventSalesResponse> SalesAsync(Guid eventId) => _organizer.GetAsync<EventSalesResponse>($"/api/events/{eventId}/sales");

    private async Task<BookingResponse> PayAsync(Guid bookingId, string token = "tok_visa")
    {
        var paid = await _organizer.PostAsJsonAsync($"/api/bookings/{bookingId}/payment", new { paymentToken = token });
        return (await paid.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
    }

    [Fact]
    public async Task Every_outcome_is_counted_once_with_the_seats_sold_and_the_takings_net_of_cancellations()
    {
        var ev = await _organizer.CreatePublishedEventAsync();
        var kept = await _organizer.BookOkAsync(ev.Id, new { email = "a@example.com", section = "GA", quantity = 3 });
        var cancelled = await _organizer.BookOkAsync(ev.Id, new { email = "b@example.com", seats = new[] { "A-1-1", "A-1-2" } });
        var released = await _organizer.BookOkAsync(ev.Id, new { email = "c@example.com", seats = new[] { "A-2-1" } });
        var declined = await _organizer.BookOkAsync(ev.Id, new { email = "d@example.com", section = "GA", quantity = 1 });
        var paid = await PayAsync(kept.Id);
        Assert.Equal("Confirmed", paid.Status.ToString());
        await PayAsync(cancelled.Id);
        Assert.Equal(HttpStatusCode.OK, (await _organizer.PostAsync($"/api/bookings/{cancelled.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _organizer.DeleteAsync($"/api/bookings/{released.Id}")).StatusCode);
        await PayAsync(declined.Id, "tok_declined");

        await Api.Eventually(async () => (await SalesAsync(ev.Id)).EventsCounted >= 9);
        var sales = await SalesAsync(ev.Id);
        Assert.Equal(9, sales.EventsCounted);
        Assert.Equal(new SalesBookingCounts(Held: 4, Confirmed: 2, Failed: 1, Released: 1, Expired: 0, Cancelled: 1, Refunded: 0), sales.Bookings);
        Assert.Equal(3, sales.SeatsSold);
        Assert.Equal(3 * 29.00m, sales.Revenue);
        Assert.Equal("EUR", sales.Currency);
        Assert.Equal(0, sales.CheckedIn);
        Assert.NotNull(sales.LastEventAt);
    }

    [Fact]
    public async Task Only_the_events_organizer_or_an_admin_reads_its_sales()
    {
        var ev = await _organizer.CreatePublishedEventAsync();
        Assert.Equal(0, (await SalesAsync(ev.Id)).EventsCounted);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient("root@example.com", "admin").GetAsync($"/api/events/{ev.Id}/sales")).StatusCode);

        await (await factory.CreateClient("rival@example.com", "organizer").GetAsync($"/api/events/{ev.Id}/sales"))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await _organizer.GetAsync($"/api/events/{Guid.NewGuid()}/sales")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.CreateClient("buyer@example.com", "customer").GetAsync($"/api/events/{ev.Id}/sales")).StatusCode);
    }
}

/// <summary>The other stream provider setting: memory streams fed by the cluster's relay from the log.</summary>
public sealed class MemoryRelaySalesTests(MemoryRelaySalesTests.MemoryStreamsFactory factory) : IClassFixture<MemoryRelaySalesTests.MemoryStreamsFactory>
{
    public sealed class MemoryStreamsFactory : RealTimeApiFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Orleans:EventStreams:Provider", "Memory");
        }
    }

    [Fact]
    public async Task The_relay_carries_the_log_to_memory_streams_and_the_projection_counts_from_them()
    {
        var organizer = factory.CreateClient();
        var ev = await organizer.CreatePublishedEventAsync();
        var held = await organizer.BookOkAsync(ev.Id, new { email = "a@example.com", section = "GA", quantity = 2 });
        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsJsonAsync($"/api/bookings/{held.Id}/payment", new { paymentToken = "tok_visa" })).StatusCode);

        await Api.Eventually(async () => (await organizer.GetAsync<EventSalesResponse>($"/api/events/{ev.Id}/sales")).EventsCounted >= 2);
        var sales = await organizer.GetAsync<EventSalesResponse>($"/api/events/{ev.Id}/sales");
        Assert.Equal((1, 1, 2, 2 * 29.00m), (sales.Bookings.Held, sales.Bookings.Confirmed, sales.SeatsSold, sales.Revenue));
    }
}
