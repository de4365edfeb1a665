using Orleans.Streams;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.GrainTests;

[Collection(RealTimeClusterCollection.Name)]
public sealed class BookingStreamTests(RealTimeClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task Each_transition_reaches_the_event_stream_once_in_order_from_the_log()
    {
        // Holds of two seconds, on real time.
        var layout = await Scenario.PublishedEventAsync(Client, TimeSpan.FromSeconds(2), SectionDefinition.Seated("A", "Floor", 1, 10, 25));
        var received = new List<(IntegrationEvent Event, StreamSequenceToken? Token)>();
        var stream = Client.GetStreamProvider(ProviderNames.IntegrationEvents).GetStream<IntegrationEvent>(IntegrationEventStreams.SalesOf(layout.EventId));
        var subscription = await stream.SubscribeAsync((e, token) =>
        {
            lock (received)
            {
                received.Add((e, token));
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

        List<string> Types(Guid booking)
        {
            lock (received)
            {
                return received.Where(r => r.Event.AggregateId == booking.ToString()).Select(r => r.Event.Type).ToList();
            }
        }

        await Scenario.Eventually(() => Task.FromResult(Types(expired).Count == 2 && Types(paid).Count == 3));
        await Task.Delay(300);
        await subscription.UnsubscribeAsync();

        Assert.Equal([IntegrationEventTypes.BookingHeld, IntegrationEventTypes.BookingConfirmed, IntegrationEventTypes.BookingCancelled], Types(paid));
        Assert.Equal([IntegrationEventTypes.BookingHeld, IntegrationEventTypes.BookingReleased], Types(released));
        Assert.Equal([IntegrationEventTypes.BookingHeld, IntegrationEventTypes.BookingFailed], Types(declined));
        Assert.Equal([IntegrationEventTypes.BookingHeld, IntegrationEventTypes.BookingExpired], Types(expired));
        Assert.All(received, r => Assert.Equal(layout.EventId, r.Event.EventId));
        Assert.Equal(["A-1-1"], IntegrationEventPayloads.ReadBooking(received.First(r => r.Event.AggregateId == paid.ToString()).Event.Payload)!.Seats);

        // Delivered in the log's order, each with its position as the sequence token.
        var tokens = received.Select(r => Assert.IsType<LogSequenceToken>(r.Token)).ToList();
        Assert.Equal(tokens.OrderBy(t => t.Cursor).Select(t => t.Cursor), tokens.Select(t => t.Cursor));
        var logged = await fixture.EventLog.ReadAsync(LogCursor.Start, 100_000);
        Assert.Equal(logged.Where(l => l.Event.EventId == layout.EventId && l.Event.Type.StartsWith("booking.", StringComparison.Ordinal)).Select(l => l.Event.Id),
            received.Select(r => r.Event.Id));
    }
}
