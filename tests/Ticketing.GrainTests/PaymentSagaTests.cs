using Orleans.Streams;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Grains.Payments;

namespace Ticketing.GrainTests;

[Collection(ClusterCollection.Name)]
public sealed class PaymentSagaTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private static readonly SectionDefinition Floor = SectionDefinition.Seated("A", "Floor", 4, 10, 25);

    private Task<(EventLayout Layout, Guid Id, IBookingGrain Booking)> HeldBookingAsync(params string[] seats) =>
        Scenario.HeldBookingAsync(Client, Floor, seats.Length > 0 ? seats : ["A-1-1", "A-1-2"]);

    [Fact]
    public async Task Paying_with_a_good_card_confirms_sells_the_seats_and_issues_tickets()
    {
        var (layout, id, booking) = await HeldBookingAsync();

        var result = await booking.Pay("tok_visa");

        Assert.Equal(BookingCommandError.None, result.Error);
        var view = result.Booking!;
        Assert.Equal(BookingStatus.Confirmed, view.Status);
        Assert.Equal((PaymentStatus.Succeeded, new Money(20, "EUR")), (view.Payment!.Status, view.Payment.Amount));
        Assert.StartsWith("ch_", view.Payment.GatewayReference);
        Assert.Equal(["A-1-1", "A-1-2"], view.Tickets.Select(t => t.Seat));
        Assert.Equal(2, view.Tickets.Select(t => t.Code).Distinct().Count());
        Assert.All(view.Tickets, t => Assert.True(t.Code.Length >= 22, "A ticket code carries 128 random bits."));
        Assert.Equal(new SeatCounts(40, 38, 0, 2), await Scenario.CountsAsync(Client, layout.Sections[0]));
        Assert.Equal(1, fixture.ChargesFor(id));

        var again = await booking.Pay("tok_visa");
        Assert.Equal(view.Tickets, again.Booking!.Tickets);
        Assert.Equal(1, fixture.ChargesFor(id));
    }

    [Theory]
    [InlineData("tok_declined", "card_declined")]
    [InlineData("tok_insufficient_funds", "insufficient_funds")]
    [InlineData("tok_made_up", "invalid_token")]
    public async Task A_declined_card_fails_the_payment_and_frees_the_seats_at_once(string token, string reason)
    {
        var (layout, id, booking) = await HeldBookingAsync();

        var result = await booking.Pay(token);

        Assert.Equal(BookingCommandError.Declined, result.Error);
        Assert.Equal(BookingStatus.PaymentFailed, result.Booking!.Status);
        Assert.Equal((PaymentStatus.Declined, reason, 1), (result.Booking.Payment!.Status, result.Booking.Payment.Reason, result.Booking.Payment.Attempts));
        Assert.Equal(new SeatCounts(40, 40, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
        Assert.Equal(0, fixture.ChargesFor(id));
        Assert.Equal(BookingCommandError.NotPayable, (await booking.Pay("tok_visa")).Error);
    }

    [Fact]
    public async Task A_provider_that_never_answers_times_out_after_retries_and_frees_the_seats()
    {
        var (layout, _, booking) = await HeldBookingAsync();

        var result = await booking.Pay("tok_timeout");

        Assert.Equal(BookingCommandError.GatewayTimeout, result.Error);
        Assert.Equal(BookingStatus.PaymentFailed, result.Booking!.Status);
        Assert.Equal(3, result.Booking.Payment!.Attempts);
        Assert.Equal(0, (await Scenario.CountsAsync(Client, layout.Sections[0])).Held);
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_the_same_key_and_charge_once()
    {
        var (_, id, booking) = await HeldBookingAsync();

        var result = await booking.Pay("tok_flaky");

        Assert.Equal(BookingStatus.Confirmed, result.Booking!.Status);
        Assert.Equal(3, result.Booking.Payment!.Attempts);
        Assert.Equal(1, fixture.ChargesFor(id));
    }

    [Fact]
    public async Task With_the_circuit_open_payments_fail_fast_and_release_their_seats()
    {
        var layout = await Scenario.PublishedEventAsync(Client, Floor);
        var (id, _) = await Scenario.HeldAsync(Client, layout, "A-3-1");
        // Each silo has its own breaker: open every one with transient failures until it says so.
        foreach (var gateway in fixture.Gateways)
        {
            await Scenario.Eventually(async () => (await gateway.ChargeAsync(new ChargeRequest(
                $"trip-{Guid.NewGuid():N}", "tok_unavailable", new Money(1, "EUR"), "trip"))).Reason!.Contains("circuit open"));
        }

        var result = await Client.GetGrain<IBookingGrain>(id).Pay("tok_visa");

        Assert.Equal(BookingCommandError.GatewayUnavailable, result.Error);
        Assert.Contains("circuit open", result.Booking!.Payment!.Reason);
        Assert.Equal(0, result.Booking.Payment.Attempts);
        Assert.Equal(BookingStatus.PaymentFailed, result.Booking.Status);
        Assert.Equal(0, fixture.ChargesFor(id));
        Assert.Equal(new SeatCounts(40, 40, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));

        // Each breaker closes after its break once a call succeeds: later tests must find working providers.
        foreach (var gateway in fixture.Gateways)
        {
            await Scenario.Eventually(async () => (await gateway.ChargeAsync(
                new ChargeRequest($"probe-{Guid.NewGuid():N}", "tok_visa", new Money(1, "EUR"), "probe"))).Outcome == GatewayOutcome.Succeeded);
        }
    }

    [Fact]
    public async Task A_payment_that_succeeds_after_the_hold_expired_holds_the_same_seats_again_when_they_are_free()
    {
        var (layout, id, booking) = await HeldBookingAsync("A-4-5", "A-4-6");

        var paying = booking.Pay("tok_visa_slow");
        await Scenario.Eventually(async () => (await fixture.ReadStoredStateAsync<BookingState>(booking, "booking")).Status == BookingStatus.PaymentPending);
        fixture.Clock.Advance(layout.HoldDuration + TimeSpan.FromMinutes(1));
        var result = await paying;

        Assert.Equal(BookingCommandError.None, result.Error);
        Assert.Equal(BookingStatus.Confirmed, result.Booking!.Status);
        Assert.Contains("held again", result.Booking.Reason);
        Assert.Equal(new SeatCounts(40, 38, 0, 2), await Scenario.CountsAsync(Client, layout.Sections[0]));
        Assert.Equal(1, fixture.ChargesFor(id));
    }

    [Fact]
    public async Task A_payment_that_succeeds_after_the_seats_went_to_someone_else_is_refunded()
    {
        var (layout, id, booking) = await HeldBookingAsync("A-3-5", "A-3-6");

        var paying = booking.Pay("tok_visa_slow");
        await Scenario.Eventually(async () => (await fixture.ReadStoredStateAsync<BookingState>(booking, "booking")).Status == BookingStatus.PaymentPending);
        fixture.Clock.Advance(layout.HoldDuration + TimeSpan.FromMinutes(1));
        var (rival, _) = await Scenario.HeldAsync(Client, layout, "A-3-6");
        var result = await paying;

        Assert.Equal(BookingCommandError.SeatsLost, result.Error);
        Assert.Equal(BookingStatus.Refunded, result.Booking!.Status);
        Assert.Contains("refunded", result.Booking.Reason);
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(result.Booking.Refunds).Status);
        Assert.Equal((1, 1), (fixture.ChargesFor(id), fixture.RefundsFor(id)));
        Assert.Equal(new SeatCounts(40, 39, 1, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
        Assert.Equal(BookingStatus.Held, (await Client.GetGrain<IBookingGrain>(rival).Get())!.Status);
    }

    [Fact]
    public async Task A_payment_in_flight_when_the_event_is_cancelled_is_refunded_not_confirmed()
    {
        var (layout, id, booking) = await HeldBookingAsync("A-2-5");

        var paying = booking.Pay("tok_visa_slow");
        await Scenario.Eventually(async () => (await fixture.ReadStoredStateAsync<BookingState>(booking, "booking")).Status == BookingStatus.PaymentPending);
        var cancelled = await Client.GetGrain<IEventGrain>(layout.EventId).Cancel();
        var result = await paying;

        Assert.Equal(EventStatus.Cancelled, cancelled.Event!.Status);
        Assert.Equal(BookingCommandError.SeatsLost, result.Error);
        Assert.Equal(BookingStatus.Refunded, result.Booking!.Status);
        Assert.Equal((1, 1), (fixture.ChargesFor(id), fixture.RefundsFor(id)));
        Assert.Equal(new SeatCounts(40, 40, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
    }

    [Fact]
    public async Task Cancelling_a_confirmed_booking_refunds_it_and_puts_the_seats_back_on_sale()
    {
        var (layout, id, booking) = await HeldBookingAsync();
        await booking.Pay("tok_visa");

        var result = await booking.Cancel();

        Assert.Equal(BookingCommandError.None, result.Error);
        Assert.Equal(BookingStatus.Cancelled, result.Booking!.Status);
        var refund = Assert.Single(result.Booking.Refunds);
        Assert.Equal((PaymentKind.Refund, PaymentStatus.Succeeded, new Money(20, "EUR")), (refund.Kind, refund.Status, refund.Amount));
        Assert.Equal(new SeatCounts(40, 40, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
        Assert.Equal(1, fixture.RefundsFor(id));
        Assert.Equal(BookingStatus.Cancelled, (await booking.Cancel()).Booking!.Status);
        Assert.Equal(1, fixture.RefundsFor(id));
    }

    [Fact]
    public async Task A_failed_refund_waits_in_refund_pending_and_a_reminder_retries_it_until_it_succeeds()
    {
        var (layout, id, booking) = await HeldBookingAsync();
        await booking.Pay("tok_refund_fails");

        var result = await booking.Cancel();

        Assert.Equal(BookingStatus.RefundPending, result.Booking!.Status);
        Assert.Equal(PaymentStatus.Failed, Assert.Single(result.Booking.Refunds).Status);
        Assert.Equal(new SeatCounts(40, 40, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));

        await Scenario.Eventually(async () => (await booking.Get())!.Status == BookingStatus.Cancelled, seconds: 20);
        var refund = Assert.Single((await booking.Get())!.Refunds);
        Assert.Equal(PaymentStatus.Succeeded, refund.Status);
        Assert.True(refund.Attempts >= 5, $"Four failures, then success: {refund.Attempts} attempts.");
        Assert.Equal(1, fixture.RefundsFor(id));
    }

    [Fact]
    public async Task Fifty_concurrent_payments_of_one_booking_charge_once_and_agree()
    {
        var (_, id, booking) = await HeldBookingAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => booking.Pay("tok_visa")));

        Assert.All(results, r => Assert.Equal((BookingCommandError.None, BookingStatus.Confirmed), (r.Error, r.Booking!.Status)));
        Assert.Single(results.Select(r => r.Booking!.Payment!.GatewayReference).Distinct());
        Assert.Single(results.Select(r => string.Join(",", r.Booking!.Tickets.Select(t => t.Code))).Distinct());
        Assert.Equal(1, fixture.ChargesFor(id));
    }
}
