using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.GrainTests;

[Collection(ClusterCollection.Name)]
public sealed class WaitingRoomTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private async Task<Guid> QueuedEventAsync(int admitPerMinute, DateTimeOffset? onSaleAt)
    {
        var id = Guid.NewGuid();
        var grain = Client.GetGrain<IEventGrain>(id);
        await grain.Create(new EventDefinition("Flash", null, "Hall", fixture.Clock.GetUtcNow().AddDays(30), "EUR", TimeSpan.FromMinutes(10),
            [SectionDefinition.Seated("A", "Floor", 10, 10, 10)], 10, new WaitingRoomDefinition(admitPerMinute, TimeSpan.FromMinutes(5)), onSaleAt));
        await grain.Publish();
        return id;
    }

    private Task<QueueTicketView?> JoinAsync(Guid eventId, string customer) =>
        Client.GetGrain<IQueueTicketGrain>(QueueTicketKey.For(eventId, customer)).Join(eventId, customer);

    private Task<QueueTicketView?> GetAsync(Guid eventId, string customer) =>
        Client.GetGrain<IQueueTicketGrain>(QueueTicketKey.For(eventId, customer)).Get(customer);

    /// <summary>Steps the fake clock a second at a time, stepping the room each time as its timer would.</summary>
    private async Task StepAsync(Guid eventId, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            await Client.GetGrain<IWaitingRoomGrain>(eventId).GetSnapshot();
        }
    }

    [Fact]
    public async Task Early_joiners_get_no_place_until_the_opening_then_a_shuffled_one()
    {
        var onSaleAt = fixture.Clock.GetUtcNow().AddMinutes(30);
        var eventId = await QueuedEventAsync(60, onSaleAt);
        var customers = Enumerable.Range(0, 200).Select(i => $"early-{i}@example.com").ToList();
        foreach (var customer in customers)
        {
            var ticket = (await JoinAsync(eventId, customer))!;
            Assert.Equal(QueueStatus.Waiting, ticket.Status);
            Assert.Null(ticket.Position);
            Assert.Equal(1800, ticket.EstimatedWaitSeconds);
        }

        fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        await Client.GetGrain<IWaitingRoomGrain>(eventId).GetSnapshot();
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(300)); // past the readers' cache
        var positions = new List<long>();
        foreach (var customer in customers)
        {
            positions.Add((await GetAsync(eventId, customer))!.Position!.Value);
        }

        // Every place 1..200 exactly once; the order of arrival did not decide it.
        Assert.Equal(Enumerable.Range(1, 200).Select(p => (long)p), positions.Order());
        var keptTheirArrivalPlace = positions.Where((p, i) => p == i + 1).Count();
        Assert.True(keptTheirArrivalPlace < 20, $"{keptTheirArrivalPlace} of 200 early joiners kept their arrival order.");
        Assert.True(positions.Take(100).Average() > 60, "The first half of the arrivals took the front of the line.");
    }

    [Fact]
    public async Task Admission_follows_the_rate_and_joining_twice_keeps_the_place()
    {
        var onSaleAt = fixture.Clock.GetUtcNow().AddMinutes(1);
        var eventId = await QueuedEventAsync(60, onSaleAt);
        var customers = Enumerable.Range(0, 10).Select(i => $"rate-{i}@example.com").ToList();
        var tickets = new List<Guid>();
        foreach (var customer in customers)
        {
            tickets.Add((await JoinAsync(eventId, customer))!.QueueTicketId);
        }

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await Client.GetGrain<IWaitingRoomGrain>(eventId).GetSnapshot();
        await StepAsync(eventId, 4);

        // 60 a minute: one a second, four seconds after the opening.
        Assert.Equal(4, (await Client.GetGrain<IWaitingRoomGrain>(eventId).GetSnapshot())!.NowServing);
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(300));
        var views = new List<QueueTicketView>();
        foreach (var customer in customers)
        {
            views.Add((await GetAsync(eventId, customer))!);
        }

        Assert.Equal(4, views.Count(v => v.Status == QueueStatus.Admitted));
        Assert.Equal(Enumerable.Range(1, 6).Select(p => (long?)p), views.Where(v => v.Status == QueueStatus.Waiting).Select(v => v.Position).Order());
        Assert.All(views.Where(v => v.Status == QueueStatus.Admitted), v => Assert.Equal(fixture.Clock.GetUtcNow().AddMinutes(5), v.WindowEndsAt));

        // Joining again changes nothing: same ticket, same place.
        var waiting = views.First(v => v.Status == QueueStatus.Waiting);
        var again = (await JoinAsync(eventId, waiting.CustomerId))!;
        Assert.Equal(waiting.QueueTicketId, again.QueueTicketId);
        Assert.Equal(waiting.Position, again.Position);
        Assert.Equal(tickets, customers.Select(c => QueueTicketKey.For(eventId, c)).ToList());

        // A long quiet spell saves up nothing: the line is empty after everyone is in, and a newcomer still waits its turn.
        await StepAsync(eventId, 6);
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var room = (await Client.GetGrain<IWaitingRoomGrain>(eventId).GetSnapshot())!;
        Assert.True(room.NowServing <= room.EarlyTotal + WaitingRoomLine.Shards, $"now serving {room.NowServing} ran past the line's end");
    }

    [Fact]
    public async Task An_admitted_buyer_expires_after_the_shopping_window_and_rejoins_at_the_back()
    {
        var eventId = await QueuedEventAsync(60, fixture.Clock.GetUtcNow().AddSeconds(1));
        await JoinAsync(eventId, "window@example.com");
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        await StepAsync(eventId, 2);
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(300));
        var admitted = (await GetAsync(eventId, "window@example.com"))!;
        Assert.Equal(QueueStatus.Admitted, admitted.Status);

        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(QueueStatus.Expired, (await GetAsync(eventId, "window@example.com"))!.Status);
        var rejoined = (await JoinAsync(eventId, "window@example.com"))!;
        // A new place at the back (the line is short, so it may already be its turn): a fresh window if so.
        Assert.NotEqual(QueueStatus.Expired, rejoined.Status);
        Assert.Equal(rejoined.Status == QueueStatus.Admitted ? fixture.Clock.GetUtcNow().AddMinutes(5) : null, rejoined.WindowEndsAt);
    }
}
