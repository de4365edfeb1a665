using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

public sealed class WaitingRoomApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private static readonly object Seat = new { email = "q@example.com", section = "A", quantity = 1 };

    private async Task<EventResponse> QueuedEventAsync(TimeSpan opensIn)
    {
        var body = new
        {
            name = "Flash Sale", venue = "Arena", startsAt = "2027-03-01T19:00:00Z", currency = "EUR", holdSeconds = 600,
            onSaleAt = factory.Clock.GetUtcNow() + opensIn,
            waitingRoom = new { admitPerMinute = 600 },
            sections = new[] { new { id = "A", name = "Floor", rows = 10, seatsPerRow = 10, price = 10m } },
        };
        var organizer = factory.CreateClient("org", Roles.Organizer);
        var ev = await organizer.CreatePublishedEventAsync(body);
        Assert.Equal(600, ev.WaitingRoom!.AdmitPerMinute);
        Assert.Equal(600, ev.WaitingRoom.ShoppingWindowSeconds);
        return ev;
    }

    private static async Task<QueueTicketResponse> JoinAsync(HttpClient client, Guid eventId)
    {
        var response = await client.PostAsync($"/api/events/{eventId}/queue", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<QueueTicketResponse>(Api.Json))!;
    }

    private static Task<HttpResponseMessage> HoldAsync(HttpClient client, Guid eventId, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/bookings") { Content = JsonContent.Create(Seat) };
        if (token is not null)
        {
            request.Headers.Add(AdmissionTokens.HeaderName, token);
        }

        return client.SendAsync(request);
    }

    /// <summary>Joins before the opening, moves the clock past it, and returns the admitted ticket.</summary>
    private async Task<QueueTicketResponse> AdmittedAsync(HttpClient client, Guid eventId)
    {
        var joined = await JoinAsync(client, eventId);
        Assert.Equal(QueueStatus.Waiting, joined.Status);
        Assert.Null(joined.Position);
        Assert.Null(joined.AdmissionToken);
        factory.Clock.Advance(TimeSpan.FromSeconds(11));
        var ticket = await client.GetAsync<QueueTicketResponse>($"/api/events/{eventId}/queue/{joined.QueueTicketId}");
        Assert.Equal(QueueStatus.Admitted, ticket.Status);
        Assert.Equal(factory.Clock.GetUtcNow().AddSeconds(600), ticket.AdmissionExpiresAt);
        return ticket;
    }

    [Fact]
    public async Task An_admitted_buyer_holds_with_the_token_and_nobody_holds_without_one()
    {
        var ev = await QueuedEventAsync(TimeSpan.FromSeconds(10));
        var alice = factory.CreateClient("alice", Roles.Customer);

        var refused = await (await HoldAsync(alice, ev.Id, null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("join the queue", refused.GetProperty("detail").GetString());
        Assert.Equal($"/api/events/{ev.Id}/queue", refused.GetProperty("queue").GetString());
        await (await HoldAsync(alice, ev.Id, "not-a-token")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var ticket = await AdmittedAsync(alice, ev.Id);
        Assert.Equal(HttpStatusCode.Created, (await HoldAsync(alice, ev.Id, ticket.AdmissionToken)).StatusCode);

        // Joining again returns the same ticket, still admitted.
        var again = await JoinAsync(alice, ev.Id);
        Assert.Equal(ticket.QueueTicketId, again.QueueTicketId);
        Assert.Equal(QueueStatus.Admitted, again.Status);

        // Bob cannot use Alice's token, nor read her ticket.
        var bob = factory.CreateClient("bob", Roles.Customer);
        var stolen = await (await HoldAsync(bob, ev.Id, ticket.AdmissionToken)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("another customer", stolen.GetProperty("detail").GetString());
        await (await bob.GetAsync($"/api/events/{ev.Id}/queue/{ticket.QueueTicketId}")).AssertProblemAsync(HttpStatusCode.NotFound);

        // A token of one event opens no other.
        var other = await QueuedEventAsync(TimeSpan.FromSeconds(10));
        var elsewhere = await (await HoldAsync(alice, other.Id, ticket.AdmissionToken)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("another event", elsewhere.GetProperty("detail").GetString());

        // Ten minutes later the shopping window is over.
        factory.Clock.Advance(TimeSpan.FromSeconds(600));
        var expired = await (await HoldAsync(alice, ev.Id, ticket.AdmissionToken)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("expired", expired.GetProperty("detail").GetString());
        Assert.Equal(QueueStatus.Expired, (await alice.GetAsync<QueueTicketResponse>($"/api/events/{ev.Id}/queue/{ticket.QueueTicketId}")).Status);
    }

    [Fact]
    public async Task An_event_without_a_waiting_room_has_no_queue_and_holds_need_no_token()
    {
        var ev = await factory.CreateClient("org", Roles.Organizer).CreatePublishedEventAsync();
        var alice = factory.CreateClient("alice", Roles.Customer);
        var problem = await (await alice.PostAsync($"/api/events/{ev.Id}/queue", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("no waiting room", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, (await HoldAsync(alice, ev.Id, null)).StatusCode);
    }

    [Fact]
    public async Task A_bad_waiting_room_is_a_400_naming_the_field()
    {
        var body = new
        {
            name = "Bad", venue = "Arena", startsAt = "2027-03-01T19:00:00Z", currency = "EUR",
            onSaleAt = "2027-03-02T19:00:00Z",
            waitingRoom = new { admitPerMinute = 0, shoppingWindowSeconds = 5 },
            sections = new[] { new { id = "A", name = "Floor", rows = 1, seatsPerRow = 1, price = 10m } },
        };
        var response = await factory.CreateClient("org", Roles.Organizer).PostAsJsonAsync("/api/events", body);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("waitingRoom.admitPerMinute", out _));
        Assert.True(errors.TryGetProperty("onSaleAt", out _));
    }

    [Theory]
    [InlineData("WaitingRoom:AdmissionKey", "short")]
    [InlineData("LiveAvailability:FlushInterval", "00:00:00")]
    [InlineData("LiveAvailability:HeartbeatInterval", "01:00:00")]
    [InlineData("LiveAvailability:ReplayMessages", "0")]
    [InlineData("LiveAvailability:ClientBuffer", "0")]
    public void A_bad_front_door_setting_stops_the_api_at_startup_naming_its_key(string key, string value)
    {
        using var misconfigured = new SettingFactory(key, value);
        var failure = Record.Exception(() => misconfigured.CreateClient());
        Assert.NotNull(failure);
        Assert.Contains(key.Split(':')[1], failure.ToString());
    }

    private sealed class SettingFactory(string key, string value) : TicketingApiFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }
}
