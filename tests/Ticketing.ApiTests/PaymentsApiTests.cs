using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

public sealed class PaymentsApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> PayAsync(Guid bookingId, string token) =>
        _client.PostAsJsonAsync($"/api/bookings/{bookingId}/payment", new { paymentToken = token });

    private async Task<(EventResponse Event, BookingResponse Booking)> HeldAsync(params string[] seats)
    {
        var ev = await _client.CreatePublishedEventAsync();
        var booking = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", seats = seats.Length > 0 ? seats : new[] { "A-1-1", "A-1-2" } });
        return (ev, booking);
    }

    [Fact]
    public async Task Paying_with_tok_visa_confirms_with_tickets_and_the_seats_are_sold()
    {
        var (ev, held) = await HeldAsync();

        var response = await PayAsync(held.Id, "tok_visa");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var booking = (await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal((PaymentStatus.Succeeded, new MoneyResponse(98.00m, "EUR")), (booking.Payment!.Status, booking.Payment.Amount));
        Assert.Equal(["A-1-1", "A-1-2"], booking.Tickets.Select(t => t.Seat));
        Assert.All(booking.Tickets, t => Assert.False(string.IsNullOrEmpty(t.Code)));
        Assert.Equal(["A-1-1", "A-1-2"], (await _client.GetSeatsAsync(ev.Id, "A")).Where(s => s.Status == SeatStatus.Sold).Select(s => s.Id));
        Assert.Equal(new AvailabilityResponse(500, 498, 0, 2), (await _client.GetEventAsync(ev.Id)).Sections[0].Availability);

        var fetched = await _client.GetAsync<BookingResponse>($"/api/bookings/{held.Id}");
        Assert.Equal(booking.Tickets, fetched.Tickets);
        Assert.Equal(booking.Payment, fetched.Payment);

        var again = await PayAsync(held.Id, "tok_visa");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(booking.Payment, (await again.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!.Payment);
    }

    [Fact]
    public async Task A_declined_card_is_a_402_and_the_seats_are_free()
    {
        var (ev, held) = await HeldAsync();

        var response = await PayAsync(held.Id, "tok_declined");

        var problem = await response.AssertProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Contains("card_declined", problem.GetProperty("detail").GetString());
        Assert.Equal("PaymentFailed", problem.GetProperty("booking").GetProperty("status").GetString());
        Assert.Equal(BookingStatus.PaymentFailed, (await _client.GetAsync<BookingResponse>($"/api/bookings/{held.Id}")).Status);
        Assert.Equal(new AvailabilityResponse(500, 500, 0, 0), (await _client.GetEventAsync(ev.Id)).Sections[0].Availability);
        await (await PayAsync(held.Id, "tok_visa")).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancelling_a_confirmed_booking_refunds_it_and_frees_the_seats()
    {
        var (ev, held) = await HeldAsync();
        await PayAsync(held.Id, "tok_visa");

        var response = await _client.PostAsync($"/api/bookings/{held.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var booking = (await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        var refund = Assert.Single(booking.Refunds);
        Assert.Equal((PaymentStatus.Succeeded, new MoneyResponse(98.00m, "EUR")), (refund.Status, refund.Amount));
        Assert.Equal(new AvailabilityResponse(500, 500, 0, 0), (await _client.GetEventAsync(ev.Id)).Sections[0].Availability);
        Assert.Equal(BookingStatus.Cancelled, (await _client.GetAsync<BookingResponse>($"/api/bookings/{held.Id}")).Status);
    }

    [Fact]
    public async Task Cancelling_a_held_booking_releases_it()
    {
        var (ev, held) = await HeldAsync();

        var response = await _client.PostAsync($"/api/bookings/{held.Id}/cancel", null);

        Assert.Equal(BookingStatus.Released, (await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!.Status);
        Assert.Equal(0, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task Paying_a_released_or_expired_booking_is_a_409_and_charges_nothing()
    {
        var (ev, released) = await HeldAsync("A-5-1");
        await _client.DeleteAsync($"/api/bookings/{released.Id}");
        var expired = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-5-2" } });
        factory.Clock.Advance(TimeSpan.FromSeconds(600));

        var problem = await (await PayAsync(released.Id, "tok_visa")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await PayAsync(expired.Id, "tok_visa")).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Released", problem.GetProperty("detail").GetString());
        Assert.Null((await _client.GetAsync<BookingResponse>($"/api/bookings/{expired.Id}")).Payment);
        Assert.Equal(0, (await _client.GetEventAsync(ev.Id)).Sections[0].Availability!.Sold);
    }

    [Theory]
    [InlineData("{}", "paymentToken")]
    [InlineData("{\"paymentToken\": \"\"}", "paymentToken")]
    [InlineData("{\"paymentToken\": 5}", "$.paymentToken")]
    [InlineData("{\"paymentToken\": ", "JSON")]
    public async Task A_bad_payment_request_is_a_400_and_the_hold_stays(string json, string mentioned)
    {
        var (ev, held) = await HeldAsync();

        var response = await _client.PostAsync($"/api/bookings/{held.Id}/payment", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(mentioned, problem.GetProperty("detail").GetString());
        Assert.Equal(BookingStatus.Held, (await _client.GetAsync<BookingResponse>($"/api/bookings/{held.Id}")).Status);
        Assert.Equal(2, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task Paying_or_cancelling_an_unknown_booking_is_a_404()
    {
        await (await PayAsync(Guid.NewGuid(), "tok_visa")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PostAsync($"/api/bookings/{Guid.NewGuid()}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class EventCancellationTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Cancelling_an_event_releases_its_holds_and_refunds_its_sales()
    {
        var ev = await _client.CreatePublishedEventAsync();
        var held = await _client.BookOkAsync(ev.Id, new { email = "h@example.com", seats = new[] { "A-1-1", "A-1-2" } });
        var paid = await _client.BookOkAsync(ev.Id, new { email = "p@example.com", section = "GA", quantity = 3 });
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync($"/api/bookings/{paid.Id}/payment", new { paymentToken = "tok_visa" })).StatusCode);

        var cancelled = await _client.PostAsync($"/api/events/{ev.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var after = await _client.GetEventAsync(ev.Id);
        Assert.Equal(EventStatus.Cancelled, after.Status);
        Assert.Equal((0, 0), (Api.AssertInvariantAndCountHeld(after), after.Sections.Sum(s => s.Availability!.Sold)));
        Assert.Equal(BookingStatus.Released, (await _client.GetAsync<BookingResponse>($"/api/bookings/{held.Id}")).Status);
        var refunded = await _client.GetAsync<BookingResponse>($"/api/bookings/{paid.Id}");
        Assert.Equal(BookingStatus.Cancelled, refunded.Status);
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(refunded.Refunds).Status);
        await (await _client.BookAsync(ev.Id, new { email = "late@example.com", seats = new[] { "A-2-1" } })).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"/api/events/{ev.Id}/cancel", null)).StatusCode);
    }
}
