using Orleans.Streams;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;

namespace Ticketing.GrainTests;

[Collection(RealTimeClusterCollection.Name)]
public sealed class BookingStreamTests(RealTimeClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task Each_transition_publishes_exactly_one_booking_event()
    {
        // Holds of two seconds, on real time.
        var layout = await Scenario.PublishedEventAsync(Client, TimeSpan.FromSeconds(2), SectionDefinition.Seated("A", "Floor", 1, 10, 25));
        var received = new List<BookingEvent>();
        var stream = Client.GetStreamProvider(ProviderNames.BookingEvents)
            .GetStream<BookingEvent>(StreamId.Create(BookingStreams.Namespace, layout.EventId));
        var subscription = await stream.SubscribeAsync((e, _) =>
        {
            lock (received)
            {
                received.Add(e);
            }

            return Task.CompletedTask;
        });

        var (paid, _) = await Scenario.HeldAsync(Client, layout, "A-1-1");
        await Client.GetGrain<IBookingGrain>(paid).Pay("tok_visa");
        await Client.GetGrain<IBookingGrain>(paid).Cancel();
        var (released, _) = await Scenario.HeldAsync(Client, layout, "A-1-2");
        await Client.GetGrain<IBookingGrain>(released).Release();
        await Client.GetGrain<IBookingGrain>(released).Release();
        var (declined, _) = await Scenario.HeldAsync(Client, layout, "A-1-3");
        await Client.GetGrain<IBookingGrain>(declined).Pay("tok_declined");
        var (expired, _) = await Scenario.HeldAsync(Client, layout, "A-1-4");
        await Scenario.Eventually(async () => (await Client.GetGrain<IBookingGrain>(expired).Get())!.Status == BookingStatus.Expired);
        await Client.GetGrain<IBookingGrain>(expired).Get();

        List<BookingEventKind> Kinds(Guid booking)
        {
            lock (received)
            {
                return received.Where(e => e.BookingId == booking).Select(e => e.Kind).ToList();
            }
        }

        await Scenario.Eventually(() => Task.FromResult(Kinds(expired).Count == 2 && Kinds(paid).Count == 3));
        await Task.Delay(300);
        await subscription.UnsubscribeAsync();

        Assert.Equal([BookingEventKind.BookingHeld, BookingEventKind.BookingConfirmed, BookingEventKind.BookingCancelled], Kinds(paid));
        Assert.Equal([BookingEventKind.BookingHeld, BookingEventKind.BookingReleased], Kinds(released));
        Assert.Equal([BookingEventKind.BookingHeld, BookingEventKind.PaymentFailed], Kinds(declined));
        Assert.Equal([BookingEventKind.BookingHeld, BookingEventKind.BookingExpired], Kinds(expired));
        Assert.All(received, e => Assert.Equal(layout.EventId, e.EventId));
        Assert.Equal(["A-1-1"], received.First(e => e.BookingId == paid).Seats);
    }
}
