using Ticketing.Grains.Abstractions;

namespace Ticketing.GrainTests;

/// <summary>The sales projection: a grain that the event's sales stream activates and feeds, with nobody subscribing it.</summary>
[Collection(RealTimeClusterCollection.Name)]
public sealed class EventSalesProjectionTests(RealTimeClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task Sales_of_an_event_are_counted_from_its_stream_exactly_once()
    {
        var layout = await Scenario.PublishedEventAsync(Client, SectionDefinition.Seated("A", "Floor", 2, 10, 25));
        var bought = new List<Guid>();
        for (var i = 1; i <= 4; i++)
        {
            var (booking, _) = await Scenario.HeldAsync(Client, layout, $"A-1-{i}");
            Assert.Equal(BookingStatus.Confirmed, (await Client.GetGrain<IBookingGrain>(booking).Pay("tok_visa")).Booking!.Status);
            bought.Add(booking);
        }

        await Client.GetGrain<IBookingGrain>(bought[0]).Cancel();
        var (released, _) = await Scenario.HeldAsync(Client, layout, "A-2-1");
        await Client.GetGrain<IBookingGrain>(released).Release();

        var sales = Client.GetGrain<IEventSalesGrain>(layout.EventId);
        await Scenario.Eventually(async () => (await sales.Get()).EventsApplied == 11);
        var counted = await sales.Get();
        Assert.Equal((5, 4, 1, 1), (counted.Held, counted.Confirmed, counted.Cancelled, counted.Released));
        var takings = 0m;
        foreach (var booking in bought.Skip(1))
        {
            takings += (await Client.GetGrain<IBookingGrain>(booking).Get())!.Total.Amount;
        }

        Assert.Equal((3, takings), (counted.SeatsSold, counted.Revenue));
        Assert.True(takings > 0);

        // Nothing more arrives later: each event was counted once.
        await Task.Delay(500);
        Assert.Equal(11, (await sales.Get()).EventsApplied);
    }
}
