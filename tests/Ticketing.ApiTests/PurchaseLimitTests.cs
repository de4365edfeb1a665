using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

/// <summary>maxSeatsPerCustomer over a customer's held and sold seats in an event, under concurrency.</summary>
public sealed class PurchaseLimitTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private async Task<EventResponse> EventWithLimitAsync(int limit)
    {
        using var organizer = factory.CreateClient("olga", "organizer");
        return await organizer.CreatePublishedEventAsync(Api.Event(maxSeatsPerCustomer: limit));
    }

    [Fact]
    public async Task Events_default_to_ten_seats_per_customer()
    {
        using var organizer = factory.CreateClient("olga", "organizer");
        var created = await organizer.PostAsJsonAsync("/api/events", new
        {
            name = "N", venue = "V", startsAt = "2027-03-01T19:00:00Z", currency = "EUR",
            sections = new[] { new { id = "GA", name = "G", capacity = 100, price = 1m } },
        });

        Assert.Equal(10, (await created.Content.ReadFromJsonAsync<EventResponse>(Api.Json))!.MaxSeatsPerCustomer);
    }

    [Fact]
    public async Task Concurrent_holds_of_one_customer_never_pass_the_limit_together()
    {
        var ev = await EventWithLimitAsync(4);
        using var alice = factory.CreateClient("alice@example.com", "customer");

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => alice.BookAsync(ev.Id, new { section = "GA", quantity = 1 })));

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refusals = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(36, refusals.Count);
        foreach (var refusal in refusals)
        {
            var problem = await refusal.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(4, problem.GetProperty("maxSeatsPerCustomer").GetInt32());
        }

        Assert.Equal(4, Api.AssertInvariantAndCountHeld(await alice.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task The_limit_counts_held_and_sold_seats_and_frees_what_is_released_or_cancelled()
    {
        var ev = await EventWithLimitAsync(4);
        using var alice = factory.CreateClient("alice@example.com", "customer");
        using var bob = factory.CreateClient("bob@example.com", "customer");

        var sold = await alice.BookOkAsync(ev.Id, new { seats = new[] { "A-1-1", "A-1-2" } });
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync($"/api/bookings/{sold.Id}/payment", new { paymentToken = "tok_visa" })).StatusCode);
        var held = await alice.BookOkAsync(ev.Id, new { section = "GA", quantity = 2 });

        await (await alice.BookAsync(ev.Id, new { section = "GA", quantity = 1 })).AssertProblemAsync(HttpStatusCode.Conflict);
        await bob.BookOkAsync(ev.Id, new { section = "GA", quantity = 4 });

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/bookings/{held.Id}")).StatusCode);
        await alice.BookOkAsync(ev.Id, new { section = "GA", quantity = 2 });
        await (await alice.BookAsync(ev.Id, new { section = "GA", quantity = 1 })).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsync($"/api/bookings/{sold.Id}/cancel", null)).StatusCode);
        await alice.BookOkAsync(ev.Id, new { section = "GA", quantity = 2 });
    }

    [Fact]
    public async Task An_expired_hold_gives_its_seats_back_to_the_limit()
    {
        var ev = await EventWithLimitAsync(2);
        using var alice = factory.CreateClient("alice@example.com", "customer");
        await alice.BookOkAsync(ev.Id, new { section = "GA", quantity = 2 });
        await (await alice.BookAsync(ev.Id, new { section = "GA", quantity = 1 })).AssertProblemAsync(HttpStatusCode.Conflict);

        factory.Clock.Advance(TimeSpan.FromSeconds(ev.HoldSeconds + 1));

        // The booking's expiry timer gives the seats back (one-way) as soon as it has run.
        var status = HttpStatusCode.Conflict;
        for (var attempt = 0; attempt < 50 && status == HttpStatusCode.Conflict; attempt++)
        {
            await Task.Delay(100);
            status = (await alice.BookAsync(ev.Id, new { section = "GA", quantity = 2 })).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, status);
    }
}

/// <summary>Bookings are their customer's: others get 404, idempotency keys are per customer, email comes from the token.</summary>
public sealed class BookingOwnershipTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    [Fact]
    public async Task The_same_idempotency_key_from_two_customers_makes_two_bookings()
    {
        var ev = await factory.CreateClient().CreatePublishedEventAsync();
        using var alice = factory.CreateClient("alice@example.com", "customer");
        using var bob = factory.CreateClient("bob@example.com", "customer");

        var first = await alice.BookAsync(ev.Id, new { section = "GA", quantity = 1 }, idempotencyKey: "order-1");
        var second = await bob.BookAsync(ev.Id, new { section = "GA", quantity = 1 }, idempotencyKey: "order-1");
        var retry = await alice.BookAsync(ev.Id, new { section = "GA", quantity = 1 }, idempotencyKey: "order-1");

        var (a, b, again) = (await Read(first), await Read(second), await Read(retry));
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(a.Id, again.Id);
        Assert.Equal(("alice@example.com", "bob@example.com"), (a.Email, b.Email));
        Assert.Equal(2, Api.AssertInvariantAndCountHeld(await alice.GetEventAsync(ev.Id)));

        // Bob cannot see, pay, cancel or release Alice's booking: to him it does not exist.
        await (await bob.GetAsync($"/api/bookings/{a.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await bob.PostAsJsonAsync($"/api/bookings/{a.Id}/payment", new { paymentToken = "tok_visa" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await bob.PostAsync($"/api/bookings/{a.Id}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await bob.DeleteAsync($"/api/bookings/{a.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(BookingStatus.Held, (await alice.GetAsync<BookingResponse>($"/api/bookings/{a.Id}")).Status);
    }

    [Fact]
    public async Task Another_organizers_event_cannot_be_changed_and_its_draft_is_not_shown()
    {
        using var olga = factory.CreateClient("olga", "organizer");
        using var oscar = factory.CreateClient("oscar", "organizer");
        var draft = (await (await olga.PostAsJsonAsync("/api/events", Api.Event())).Content.ReadFromJsonAsync<EventResponse>(Api.Json))!;

        await (await oscar.PostAsync($"/api/events/{draft.Id}/publish", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await oscar.GetAsync($"/api/events/{draft.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var oscarsList = await oscar.GetAsync<EventListResponse>("/api/events?pageSize=100");
        var olgasList = await olga.GetAsync<EventListResponse>("/api/events?pageSize=100");
        Assert.DoesNotContain(oscarsList.Items, e => e.Id == draft.Id);
        Assert.Contains(olgasList.Items, e => e.Id == draft.Id);
        Assert.Equal(olgasList.Total, oscarsList.Total + 1);
    }

    private static async Task<BookingResponse> Read(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
    }
}
