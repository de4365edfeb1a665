using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

/// <summary>Issue #11, state discipline: a paid booking is not "released", numbers out of range are 400s, every 4xx is a problem.</summary>
public sealed class StateDisciplineApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<BookingResponse> ConfirmedAsync(Guid eventId, string seat)
    {
        var booking = await _client.BookOkAsync(eventId, new { email = "a@example.com", seats = new[] { seat } });
        var paid = await _client.PostAsJsonAsync($"/api/bookings/{booking.Id}/payment", new { paymentToken = "tok_visa" });
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        return booking;
    }

    [Fact]
    public async Task Deleting_a_confirmed_booking_is_a_409_that_points_to_cancel_and_changes_nothing()
    {
        var ev = await _client.CreatePublishedEventAsync();
        var booking = await ConfirmedAsync(ev.Id, "A-1-1");

        var response = await _client.DeleteAsync($"/api/bookings/{booking.Id}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal($"/api/bookings/{booking.Id}/cancel", problem.GetProperty("cancel").GetString());
        Assert.Contains("Confirmed", problem.GetProperty("detail").GetString());
        var after = await _client.GetAsync<BookingResponse>($"/api/bookings/{booking.Id}");
        Assert.Equal(BookingStatus.Confirmed, after.Status);
        Assert.Single(after.Tickets);
        Assert.Equal(SeatStatus.Sold, (await _client.GetSeatsAsync(ev.Id, "A")).Single(s => s.Id == "A-1-1").Status);
        Assert.Empty(after.Refunds);
    }

    [Fact]
    public async Task Deleting_an_ended_booking_is_still_a_204()
    {
        var ev = await _client.CreatePublishedEventAsync();
        var booking = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-2-1" } });
        var declined = await _client.PostAsJsonAsync($"/api/bookings/{booking.Id}/payment", new { paymentToken = "tok_declined" });
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/bookings/{booking.Id}")).StatusCode);
        Assert.Equal(BookingStatus.PaymentFailed, (await _client.GetAsync<BookingResponse>($"/api/bookings/{booking.Id}")).Status);
    }

    [Theory]
    [InlineData("7.9e28")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("1000000.01")]
    public async Task A_price_out_of_range_is_a_400_naming_the_field(string price)
    {
        var body = $$"""
            {"name":"X","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR",
             "sections":[{"id":"A","name":"A","rows":2,"seatsPerRow":5,"price":{{price}}}]}
            """;

        var response = await _client.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("sections[0].price", out _), problem.ToString());
    }

    [Fact]
    public async Task The_highest_price_is_accepted_and_a_full_booking_of_it_adds_up()
    {
        var ev = await _client.CreatePublishedEventAsync(Api.Event(sections: [new { id = "A", name = "A", rows = 1, seatsPerRow = 10, price = CreateEventRequest.MaxPrice }]));

        var booking = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", section = "A", quantity = 10 });

        Assert.Equal(new MoneyResponse(CreateEventRequest.MaxPrice * 10, "EUR"), booking.Total);
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("21474837")]
    public async Task A_page_whose_offset_cannot_be_counted_is_a_400(string page)
    {
        await _client.CreatePublishedEventAsync();

        var response = await _client.GetAsync($"/api/events?page={page}&pageSize=100");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("page", out _));
    }

    public static TheoryData<string, string?, string?, HttpStatusCode> OddBookingRequests() => new()
    {
        // body, content type, Idempotency-Key header, status
        { """{"email":"a@example.com","seats":["A-1-1"]}""", "application/json", "k\u00e9y", HttpStatusCode.BadRequest },
        { """{"email":"a@example.com","seats":["A-1-1"]}""", "application/json", new string('k', 201), HttpStatusCode.BadRequest },
        { "", "application/json", null, HttpStatusCode.BadRequest },
        { "null", "application/json", null, HttpStatusCode.BadRequest },
        { "{", "application/json", null, HttpStatusCode.BadRequest },
        { """{"email":"a@example.com","section":"A","quantity":1e10}""", "application/json", null, HttpStatusCode.BadRequest },
        { """{"email":"a@example.com","seats":["A-1-1"]}""", "text/plain", null, HttpStatusCode.UnsupportedMediaType },
        { """{"email":"a@example.com","seats":["A-99999999999-1"]}""", "application/json", null, HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(OddBookingRequests))]
    public async Task Every_4xx_of_the_bookings_endpoint_is_problem_json(string body, string? contentType, string? idempotencyKey, HttpStatusCode status)
    {
        var ev = await _client.CreatePublishedEventAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{ev.Id}/bookings")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType!),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        var response = await _client.SendAsync(request);

        await response.AssertProblemAsync(status);
        Assert.Equal(0, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }
}
