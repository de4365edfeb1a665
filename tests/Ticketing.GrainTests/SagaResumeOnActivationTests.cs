using Orleans.Core.Internal;
using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.GrainTests;

/// <summary>
/// A booking whose activation died mid-payment (kill -9 of its silo after PaymentPending was stored) is settled by
/// its next activation within seconds, without waiting for the saga-resume reminder's next tick.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SagaResumeOnActivationTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private static readonly SectionDefinition Floor = SectionDefinition.Seated("A", "Floor", 4, 10, 25);

    [Fact]
    public async Task A_booking_found_PaymentPending_on_activation_asks_the_provider_and_settles_without_its_reminder()
    {
        var layout = await Scenario.PublishedEventAsync(Client, Floor);
        var (id, _) = await Scenario.HeldAsync(Client, layout, ["A-3-1", "A-3-2"]);
        var booking = Client.GetGrain<IBookingGrain>(id);
        Assert.Equal(new SeatCounts(40, 38, 2, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));

        // What a silo killed between storing PaymentPending and calling the provider leaves behind, minus the reminder
        // (as if it were lost or its next tick far away): the stored booking says PaymentPending, nobody was charged.
        await booking.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await StorePaymentPendingAsync(booking);

        var reactivated = await booking.Get();
        Assert.Equal(BookingStatus.PaymentPending, reactivated!.Status);

        // The activation resumes the saga on its own a few seconds (grain clock) later: no charge under the booking's key,
        // so the payment fails with nothing taken and the seats go back on sale.
        fixture.Clock.Advance(TimeSpan.FromSeconds(6));
        await Scenario.Eventually(async () => (await booking.Get())!.Status != BookingStatus.PaymentPending);

        var settled = (await booking.Get())!;
        Assert.Equal((BookingStatus.PaymentFailed, PaymentStatus.Failed), (settled.Status, settled.Payment!.Status));
        Assert.Equal(0, fixture.ChargesFor(id));
        Assert.Equal(new SeatCounts(40, 40, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
    }

    private async Task StorePaymentPendingAsync(IBookingGrain booking)
    {
        var silo = fixture.Cluster.GetActiveSilos().First();
        var storage = fixture.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredKeyedService<IGrainStorage>(ProviderNames.GrainState);
        var stored = new GrainState<BookingState>(new BookingState());
        await storage.ReadStateAsync("booking", booking.GetGrainId(), stored);
        var state = stored.State!;
        Assert.Equal(BookingStatus.Held, state.Status);
        state.Status = BookingStatus.PaymentPending;
        state.Payment = new PaymentRecord($"pay_{booking.GetPrimaryKey():N}", PaymentKind.Charge, state.Total, PaymentStatus.Pending, null, null,
            fixture.Clock.GetUtcNow(), null, 0);
        await storage.WriteStateAsync("booking", booking.GetGrainId(), stored);
    }
}
