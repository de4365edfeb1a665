using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.GrainTests;

/// <summary>A provider that does not answer in time has not said "no": the booking asks it by the charge's key.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UnknownPaymentOutcomeTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private static readonly SectionDefinition Floor = SectionDefinition.Seated("A", "Floor", 4, 10, 25);

    [Fact]
    public async Task A_charge_whose_answer_is_lost_is_found_by_its_key_and_the_booking_confirms()
    {
        var layout = await Scenario.PublishedEventAsync(Client, Floor);
        var (id, _) = await Scenario.HeldAsync(Client, layout, ["A-1-1", "A-1-2"]);
        var booking = Client.GetGrain<IBookingGrain>(id);

        var result = await booking.Pay("tok_lost_answer");

        Assert.Equal(BookingCommandError.None, result.Error);
        Assert.Equal(BookingStatus.Confirmed, result.Booking!.Status);
        Assert.Equal((PaymentStatus.Succeeded, 3), (result.Booking.Payment!.Status, result.Booking.Payment.Attempts));
        Assert.StartsWith("ch_", result.Booking.Payment.GatewayReference);
        Assert.Equal(2, result.Booking.Tickets.Count);
        Assert.Equal(new SeatCounts(40, 38, 0, 2), await Scenario.CountsAsync(Client, layout.Sections[0]));
        Assert.Equal(1, fixture.ChargesFor(id));
    }

    [Fact]
    public async Task A_charge_the_provider_never_made_fails_with_a_timeout_and_charges_nothing()
    {
        var layout = await Scenario.PublishedEventAsync(Client, Floor);
        var (id, _) = await Scenario.HeldAsync(Client, layout, ["A-2-1"]);

        var result = await Client.GetGrain<IBookingGrain>(id).Pay("tok_timeout");

        Assert.Equal(BookingCommandError.GatewayTimeout, result.Error);
        Assert.Equal((BookingStatus.PaymentFailed, PaymentStatus.Failed), (result.Booking!.Status, result.Booking.Payment!.Status));
        Assert.Equal(0, fixture.ChargesFor(id));
        Assert.Equal(new SeatCounts(40, 40, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
    }
}
