using Microsoft.Extensions.DependencyInjection;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.GrainTests;

/// <summary>
/// The saga's resume reminder ends with the saga: a finished refund removes it from the reminder table, through the
/// handle the activation got when it registered it, or, when the reminder was registered again since, by looking it up.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ResumeReminderTests(ClusterFixture fixture)
{
    private const string ResumeReminder = "saga-resume";

    private static readonly SectionDefinition Floor = SectionDefinition.Seated("A", "Floor", 4, 10, 25);

    private IReminderTable Reminders => fixture.Cluster.GetSiloServiceProvider(fixture.Cluster.GetActiveSilos().First().SiloAddress).GetRequiredService<IReminderTable>();

    private async Task<IBookingGrain> PaidAsync(string token)
    {
        var (_, _, booking) = await Scenario.HeldBookingAsync(fixture.Client, Floor, "A-2-1", "A-2-2");
        Assert.Equal(BookingStatus.Confirmed, (await booking.Pay(token)).Booking!.Status);
        return booking;
    }

    [Fact]
    public async Task A_refund_that_ends_at_once_leaves_no_reminder()
    {
        var booking = await PaidAsync("tok_visa");
        Assert.NotNull(await Reminders.ReadRow(booking.GetGrainId(), ResumeReminder));

        Assert.Equal(BookingStatus.Cancelled, (await booking.Cancel()).Booking!.Status);

        Assert.Empty((await Reminders.ReadRows(booking.GetGrainId())).Reminders);
    }

    [Fact]
    public async Task A_reminder_registered_again_while_the_refund_was_retried_is_removed_too()
    {
        var booking = await PaidAsync("tok_refund_fails");
        Assert.Equal(BookingStatus.RefundPending, (await booking.Cancel()).Booking!.Status);
        var registered = Assert.IsType<ReminderEntry>(await Reminders.ReadRow(booking.GetGrainId(), ResumeReminder));

        // As another activation would (after this one's silo was thought dead): the row changes under the activation's handle.
        await Reminders.UpsertRow(new ReminderEntry
        {
            GrainId = booking.GetGrainId(), ReminderName = ResumeReminder, StartAt = DateTime.UtcNow.AddSeconds(1), Period = TimeSpan.FromSeconds(1),
        });
        Assert.NotEqual(registered.ETag, (await Reminders.ReadRow(booking.GetGrainId(), ResumeReminder))?.ETag);

        await Scenario.Eventually(async () => (await booking.Get())!.Status == BookingStatus.Cancelled, seconds: 20);
        Assert.Empty((await Reminders.ReadRows(booking.GetGrainId())).Reminders);
    }
}
