using System.Text.Json;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Grains.Events;

namespace Ticketing.UnitTests;

public sealed class SalesTallyTests
{
    private static readonly Guid Show = Guid.NewGuid();
    private long _position;

    private (IntegrationEvent Event, LogCursor At) Booking(string type, int quantity, decimal amount) =>
        (IntegrationEvent.Create(type, DateTimeOffset.UnixEpoch.AddSeconds(_position), "b", _position + 1, JsonSerializer.Serialize(
            new BookingPayload(Guid.NewGuid(), Show, "x", "a@example.com", null, [], "GA", quantity, amount, "EUR", null, []), IntegrationEventPayloads.Json), Show),
         new LogCursor(100, ++_position));

    [Fact]
    public void Outcomes_are_counted_and_cancellations_give_back_their_seats_and_takings()
    {
        var tally = new SalesTally();
        foreach (var (e, at) in new[]
                 {
                     Booking(IntegrationEventTypes.BookingHeld, 2, 20), Booking(IntegrationEventTypes.BookingConfirmed, 2, 20),
                     Booking(IntegrationEventTypes.BookingHeld, 3, 30), Booking(IntegrationEventTypes.BookingConfirmed, 3, 30),
                     Booking(IntegrationEventTypes.BookingCancelled, 3, 30), Booking(IntegrationEventTypes.BookingRefunded, 3, 30),
                     Booking(IntegrationEventTypes.BookingHeld, 1, 10), Booking(IntegrationEventTypes.BookingExpired, 1, 10),
                     Booking(IntegrationEventTypes.BookingHeld, 1, 10), Booking(IntegrationEventTypes.BookingFailed, 1, 10),
                     Booking(IntegrationEventTypes.BookingHeld, 1, 10), Booking(IntegrationEventTypes.BookingReleased, 1, 10),
                 })
        {
            Assert.True(tally.Apply(e, at));
        }

        Assert.True(tally.Apply(IntegrationEvent.Create(IntegrationEventTypes.TicketCheckedIn, DateTimeOffset.UnixEpoch, "t", 1, "{}", Show), new LogCursor(100, ++_position)));
        var sales = tally.ToView(Show);
        Assert.Equal((5, 2, 1, 1, 1, 1, 1), (sales.Held, sales.Confirmed, sales.Failed, sales.Released, sales.Expired, sales.Cancelled, sales.Refunded));
        Assert.Equal((2, 20m, "EUR", 1, 13L), (sales.SeatsSold, sales.Revenue, sales.Currency, sales.CheckedIn, sales.EventsApplied));
    }

    [Fact]
    public void An_event_at_or_before_the_last_counted_position_is_a_redelivery_and_changes_nothing()
    {
        var tally = new SalesTally();
        var held = Booking(IntegrationEventTypes.BookingHeld, 2, 20);
        var confirmed = Booking(IntegrationEventTypes.BookingConfirmed, 2, 20);
        Assert.True(tally.Apply(held.Event, held.At));
        Assert.True(tally.Apply(confirmed.Event, confirmed.At));

        Assert.False(tally.Apply(confirmed.Event, confirmed.At));
        Assert.False(tally.Apply(held.Event, held.At));
        var sales = tally.ToView(Show);
        Assert.Equal((1, 1, 2, 20m, 2L), (sales.Held, sales.Confirmed, sales.SeatsSold, sales.Revenue, sales.EventsApplied));
        Assert.Equal(confirmed.At, tally.LastApplied);

        // A later transaction orders after every position of an earlier one.
        Assert.True(tally.Apply(confirmed.Event with { Id = Guid.NewGuid(), Type = IntegrationEventTypes.BookingCancelled }, new LogCursor(101, 0)));
        Assert.Equal(0, tally.ToView(Show).SeatsSold);
    }
}
