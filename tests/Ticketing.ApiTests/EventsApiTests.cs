using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

public sealed class EventsApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Creating_an_event_returns_it_as_a_draft_with_its_location()
    {
        var response = await _client.PostAsJsonAsync("/api/events", Api.Event());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ev = (await response.Content.ReadFromJsonAsync<EventResponse>(Api.Json))!;
        Assert.Equal($"/api/events/{ev.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(EventStatus.Draft, ev.Status);
        Assert.Equal("Arena Night", ev.Name);
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 19, 0, 0, TimeSpan.Zero), ev.StartsAt);
        Assert.Equal(600, ev.HoldSeconds);
        Assert.Equal([("A", SectionKind.Seated, 500), ("GA", SectionKind.GeneralAdmission, 5000)],
            ev.Sections.Select(s => (s.Id, s.Kind, s.Capacity)));
        var json = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"Draft\"", json);
        Assert.Contains("\"startsAt\":\"2027-03-01T19:00:00Z\"", json);
    }

    [Fact]
    public async Task Hold_seconds_default_to_600()
    {
        var body = new { name = "N", venue = "V", startsAt = "2027-03-01T19:00:00Z", currency = "EUR", sections = new[] { new { id = "GA", name = "G", capacity = 10, price = 1m } } };

        var ev = await (await _client.PostAsJsonAsync("/api/events", body)).Content.ReadFromJsonAsync<EventResponse>(Api.Json);

        Assert.Equal(600, ev!.HoldSeconds);
    }

    [Fact]
    public async Task Publishing_puts_the_event_on_sale_with_every_seat_free()
    {
        var ev = await _client.CreatePublishedEventAsync();

        var fetched = await _client.GetEventAsync(ev.Id);

        Assert.Equal(EventStatus.OnSale, fetched.Status);
        Assert.Equal(new AvailabilityResponse(500, 500, 0, 0), fetched.Sections.Single(s => s.Id == "A").Availability);
        Assert.Equal(new AvailabilityResponse(5000, 5000, 0, 0), fetched.Sections.Single(s => s.Id == "GA").Availability);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"/api/events/{ev.Id}/publish", null)).StatusCode);
    }

    [Fact]
    public async Task The_seat_map_lists_every_seat_of_a_seated_section()
    {
        var ev = await _client.CreatePublishedEventAsync();

        var seats = await _client.GetSeatsAsync(ev.Id, "A");

        Assert.Equal(500, seats.Count);
        Assert.Equal(new SeatResponse("A-1-1", 1, 1, SeatStatus.Free), seats[0]);
        Assert.Equal(new SeatResponse("A-20-25", 20, 25, SeatStatus.Free), seats[^1]);
        Assert.Equal(500, seats.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_draft_has_a_seat_map_too()
    {
        var created = await (await _client.PostAsJsonAsync("/api/events", Api.Event())).Content.ReadFromJsonAsync<EventResponse>(Api.Json);

        var seats = await _client.GetSeatsAsync(created!.Id, "A");

        Assert.Equal(500, seats.Count(s => s.Status == SeatStatus.Free));
    }

    [Fact]
    public async Task Events_are_listed_page_by_page()
    {
        for (var i = 0; i < 3; i++)
        {
            await _client.PostAsJsonAsync("/api/events", Api.Event());
        }

        var first = await _client.GetAsync<EventListResponse>("/api/events?page=1&pageSize=2");
        var all = await _client.GetAsync<EventListResponse>($"/api/events?page=1&pageSize=100");
        var second = await _client.GetAsync<EventListResponse>($"/api/events?page=2&pageSize=2");

        Assert.Equal(2, first.Items.Count);
        Assert.Equal((1, 2), (first.Page, first.PageSize));
        Assert.True(first.Total >= 3);
        Assert.Equal(all.Total, first.Total);
        Assert.Equal(all.Items.Skip(2).Take(2).Select(e => e.Id), second.Items.Select(e => e.Id));
    }

    [Theory]
    [InlineData("/api/events?page=0")]
    [InlineData("/api/events?pageSize=0")]
    [InlineData("/api/events?pageSize=101")]
    [InlineData("/api/events?page=x")]
    public async Task Bad_paging_is_a_400(string url)
    {
        await (await _client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_draft_can_be_changed_but_the_layout_is_frozen_once_on_sale()
    {
        var created = await (await _client.PostAsJsonAsync("/api/events", Api.Event())).Content.ReadFromJsonAsync<EventResponse>(Api.Json);
        var changed = Api.Event(sections: [new { id = "B", name = "Balcony", rows = 2, seatsPerRow = 10, price = 20m }]);

        var update = await _client.PutAsJsonAsync($"/api/events/{created!.Id}", changed);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        await _client.PostAsync($"/api/events/{created.Id}/publish", null);
        var frozen = await _client.PutAsJsonAsync($"/api/events/{created.Id}", Api.Event());

        var problem = await frozen.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("frozen", problem.GetProperty("detail").GetString());
        Assert.Equal(["B"], (await _client.GetEventAsync(created.Id)).Sections.Select(s => s.Id));
    }

    [Fact]
    public async Task Closing_sales_stops_bookings()
    {
        var ev = await _client.CreatePublishedEventAsync();

        var closed = await _client.PostAsync($"/api/events/{ev.Id}/close", null);
        var booking = await _client.BookAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-1" } });

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        await booking.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, Api.AssertInvariantAndCountHeld(await _client.GetEventAsync(ev.Id)));
        await (await _client.PostAsync($"/api/events/{ev.Id}/publish", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Unknown_events_and_sections_are_404()
    {
        var ev = await _client.CreatePublishedEventAsync();

        await (await _client.GetAsync($"/api/events/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PostAsync($"/api/events/{Guid.NewGuid()}/publish", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync($"/api/events/{ev.Id}/sections/Z/seats")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync($"/api/events/{ev.Id}/sections/GA/seats")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/events/not-a-guid")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> InvalidEvents => new()
    {
        { """{"venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","capacity":5,"price":1}]}""", "name" },
        { """{"name":"N","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","capacity":5,"price":1}]}""", "venue" },
        { """{"name":"N","venue":"V","currency":"EUR","sections":[{"id":"A","name":"A","capacity":5,"price":1}]}""", "startsAt" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"euro","sections":[{"id":"A","name":"A","capacity":5,"price":1}]}""", "currency" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","holdSeconds":0,"sections":[{"id":"A","name":"A","capacity":5,"price":1}]}""", "holdSeconds" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[]}""", "sections" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A-1","name":"A","capacity":5,"price":1}]}""", "sections[0].id" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","capacity":5,"price":1},{"id":"a","name":"B","capacity":5,"price":1}]}""", "sections[1].id" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","rows":2,"seatsPerRow":5,"capacity":5,"price":1}]}""", "sections[0]" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","price":1}]}""", "sections[0]" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","rows":2,"price":1}]}""", "sections[0].seatsPerRow" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","capacity":-5,"price":1}]}""", "sections[0].capacity" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","capacity":5,"price":-1}]}""", "sections[0].price" },
        { """{"name":"N","venue":"V","startsAt":"2027-03-01T19:00:00Z","currency":"EUR","sections":[{"id":"A","name":"A","capacity":5}]}""", "sections[0].price" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task An_invalid_event_is_a_400_naming_the_field(string json, string field)
    {
        var response = await _client.PostAsync("/api/events", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"No error for {field}: {problem}");
        Assert.Contains(field, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{\"name\": \"N\", \"holdSeconds\": \"ten\"}")]
    [InlineData("[]")]
    public async Task Unreadable_json_is_a_400_saying_why(string json)
    {
        var response = await _client.PostAsync("/api/events", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_openapi_document_the_api_explorer_and_the_dashboard_are_served()
    {
        var openApi = await _client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/events/{eventId}/bookings", openApi);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/swagger/index.html")).StatusCode);
        var dashboard = await _client.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("html", dashboard.Content.Headers.ContentType?.MediaType);
    }
}
