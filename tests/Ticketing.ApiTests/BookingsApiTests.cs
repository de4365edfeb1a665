using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

public sealed class BookingsApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Booking_two_seats_holds_them_until_released()
    {
        var ev = await _client.CreatePublishedEventAsync();

        var response = await _client.BookAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-1", "A-1-2" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = (await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
        Assert.Equal($"/api/bookings/{booking.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal((ev.Id, BookingStatus.Held, "a@example.com", "A", 2), (booking.EventId, booking.Status, booking.Email, booking.Section, booking.Quantity));
        Assert.Equal(["A-1-1", "A-1-2"], booking.Seats);
        Assert.Equal(new MoneyResponse(98.00m, "EUR"), booking.Total);
        Assert.Equal(booking.CreatedAt.AddSeconds(600), booking.ExpiresAt);

        var seats = await _client.GetSeatsAsync(ev.Id, "A");
        Assert.Equal(["A-1-1", "A-1-2"], seats.Where(s => s.Status == SeatStatus.Held).Select(s => s.Id));
        Assert.Equal(new AvailabilityResponse(500, 498, 2, 0), (await _client.GetEventAsync(ev.Id)).Sections[0].Availability);
        Assert.Equal(BookingStatus.Held, (await _client.GetAsync<BookingResponse>($"/api/bookings/{booking.Id}")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/bookings/{booking.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/bookings/{booking.Id}")).StatusCode);

        Assert.All(await _client.GetSeatsAsync(ev.Id, "A"), s => Assert.Equal(SeatStatus.Free, s.Status));
        Assert.Equal(BookingStatus.Released, (await _client.GetAsync<BookingResponse>($"/api/bookings/{booking.Id}")).Status);
    }

    [Fact]
    public async Task A_taken_seat_is_a_409_listing_it_and_nothing_else_is_held()
    {
        var ev = await _client.CreatePublishedEventAsync();
        await _client.BookOkAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-2" } });

        var response = await _client.BookAsync(ev.Id, new { email = "b@example.com", seats = new[] { "A-1-1", "A-1-2", "A-2-1" } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["A-1-2"], problem.GetProperty("unavailableSeats").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(1, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task Best_available_holds_adjacent_seats_in_one_row()
    {
        var ev = await _client.CreatePublishedEventAsync();

        var booking = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", section = "A", quantity = 4 });

        Assert.Equal(4, booking.Seats.Count);
        var positions = booking.Seats.Select(id => id.Split('-')).Select(p => (Row: int.Parse(p[1]), Number: int.Parse(p[2]))).ToList();
        Assert.Single(positions.Select(p => p.Row).Distinct());
        Assert.Equal(Enumerable.Range(positions[0].Number, 4), positions.Select(p => p.Number));
        Assert.Equal(new MoneyResponse(196.00m, "EUR"), booking.Total);
    }

    [Fact]
    public async Task General_admission_is_booked_by_quantity()
    {
        var ev = await _client.CreatePublishedEventAsync();

        var booking = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", section = "GA", quantity = 3 });

        Assert.Equal(("GA", 3), (booking.Section, booking.Quantity));
        Assert.Empty(booking.Seats);
        Assert.Equal(new AvailabilityResponse(5000, 4997, 3, 0), (await _client.GetEventAsync(ev.Id)).Sections[1].Availability);
    }

    [Fact]
    public async Task Not_enough_seats_left_is_a_409()
    {
        var ev = await _client.CreatePublishedEventAsync(Api.Event(sections: [new { id = "S", name = "Small", rows = 1, seatsPerRow = 3, price = 5m }]));
        await _client.BookOkAsync(ev.Id, new { email = "a@example.com", section = "S", quantity = 2 });

        var response = await _client.BookAsync(ev.Id, new { email = "a@example.com", section = "S", quantity = 2 });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(problem.GetProperty("unavailableSeats").EnumerateArray());
        Assert.Equal(2, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task A_hold_shows_expired_and_its_seats_free_once_its_time_has_passed()
    {
        var ev = await _client.CreatePublishedEventAsync(Api.Event(holdSeconds: 5));
        var booking = await _client.BookOkAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-3-3" } });

        factory.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(BookingStatus.Held, (await _client.GetAsync<BookingResponse>($"/api/bookings/{booking.Id}")).Status);
        factory.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(BookingStatus.Expired, (await _client.GetAsync<BookingResponse>($"/api/bookings/{booking.Id}")).Status);
        Assert.Equal(SeatStatus.Free, (await _client.GetSeatsAsync(ev.Id, "A")).Single(s => s.Id == "A-3-3").Status);
        Assert.Equal(0, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/bookings/{booking.Id}")).StatusCode);
        Assert.Equal(BookingStatus.Expired, (await _client.GetAsync<BookingResponse>($"/api/bookings/{booking.Id}")).Status);
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_return_the_same_booking_and_hold_once()
    {
        var ev = await _client.CreatePublishedEventAsync();
        var body = new { email = "a@example.com", section = "A", quantity = 2 };

        var first = await _client.BookAsync(ev.Id, body, "key-1");
        var second = await _client.BookAsync(ev.Id, body, "key-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var a = (await first.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
        var b = (await second.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(a.Seats, b.Seats);
        Assert.Equal(2, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_a_422()
    {
        var ev = await _client.CreatePublishedEventAsync();
        await _client.BookAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-1" } }, "key-2");

        var response = await _client.BookAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-2" } }, "key-2");

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }

    public static TheoryData<string, HttpStatusCode, string> InvalidBookings => new()
    {
        { """{"seats":["A-1-1"]}""", HttpStatusCode.BadRequest, "email" },
        { """{"email":"not-an-email","seats":["A-1-1"]}""", HttpStatusCode.BadRequest, "email" },
        { """{"email":"a@example.com"}""", HttpStatusCode.BadRequest, "seats" },
        { """{"email":"a@example.com","seats":[]}""", HttpStatusCode.BadRequest, "seats" },
        { """{"email":"a@example.com","seats":["A-1-1","A-1-1"]}""", HttpStatusCode.BadRequest, "seats[1]" },
        { """{"email":"a@example.com","seats":["A-1-1","A-01-1"]}""", HttpStatusCode.BadRequest, "seats[1]" },
        { """{"email":"a@example.com","seats":["nonsense"]}""", HttpStatusCode.BadRequest, "seats[0]" },
        { """{"email":"a@example.com","seats":["A-1-1"],"quantity":1}""", HttpStatusCode.BadRequest, "seats" },
        { """{"email":"a@example.com","section":"A","quantity":0}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"email":"a@example.com","section":"A","quantity":-2}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"email":"a@example.com","section":"A","quantity":11}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"email":"a@example.com","section":"A"}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"email":"a@example.com","quantity":2}""", HttpStatusCode.BadRequest, "section" },
        { """{"email":"a@example.com","seats":["A-1-1","A-1-2","A-1-3","A-1-4","A-1-5","A-1-6","A-1-7","A-1-8","A-1-9","A-1-10","A-1-11"]}""", HttpStatusCode.BadRequest, "seats" },
        { """{"email":"a@example.com","seats":["GA-1-1"]}""", HttpStatusCode.BadRequest, "general admission" },
        { """{"email":"a@example.com","seats":["Z-1-1"]}""", HttpStatusCode.NotFound, "Z" },
        { """{"email":"a@example.com","seats":["A-21-1"]}""", HttpStatusCode.NotFound, "A-21-1" },
        { """{"email":"a@example.com","seats":["A-1-26"]}""", HttpStatusCode.NotFound, "A-1-26" },
        { """{"email":"a@example.com","section":"Z","quantity":2}""", HttpStatusCode.NotFound, "Z" },
        { """{"email":"a@example.com","seats":["A-1-1"]""", HttpStatusCode.BadRequest, "JSON" },
        { """{"email":"a@example.com","section":"A","quantity":"two"}""", HttpStatusCode.BadRequest, "$.quantity" },
    };

    [Theory]
    [MemberData(nameof(InvalidBookings))]
    public async Task Bad_booking_requests_get_a_problem_saying_what_is_wrong_and_hold_nothing(string json, HttpStatusCode status, string mentioned)
    {
        var ev = await _client.CreatePublishedEventAsync();

        var response = await _client.PostAsync($"/api/events/{ev.Id}/bookings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(status);
        Assert.Contains(mentioned, problem.GetProperty("detail").GetString());
        Assert.Equal(0, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task Booking_an_unknown_event_is_a_404()
    {
        var response = await _client.BookAsync(Guid.NewGuid(), new { email = "a@example.com", seats = new[] { "A-1-1" } });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Booking_an_event_that_is_not_on_sale_is_a_409()
    {
        var draft = await (await _client.PostAsJsonAsync("/api/events", Api.Event())).Content.ReadFromJsonAsync<EventResponse>(Api.Json);

        var response = await _client.BookAsync(draft!.Id, new { email = "a@example.com", seats = new[] { "A-1-1" } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Draft", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unknown_bookings_are_404()
    {
        await (await _client.GetAsync($"/api/bookings/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/api/bookings/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_overlong_idempotency_key_is_a_400()
    {
        var ev = await _client.CreatePublishedEventAsync();

        var response = await _client.BookAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-1" } }, new string('k', 201));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
    }
}
