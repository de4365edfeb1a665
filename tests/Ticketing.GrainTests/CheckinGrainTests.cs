using Ticketing.Grains.Abstractions;

namespace Ticketing.GrainTests;

/// <summary>The ticket grain in a two-silo cluster: one admission per ticket, revocation through its booking.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CheckinGrainTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private static readonly SectionDefinition Floor = SectionDefinition.Seated("A", "Floor", 4, 10, 25);

    private async Task<(Guid BookingId, BookingView Booking)> PaidAsync(params string[] seats)
    {
        var layout = await Scenario.PublishedEventAsync(Client, Floor);
        var (id, _) = await Scenario.HeldAsync(Client, layout, seats);
        var paid = await Client.GetGrain<IBookingGrain>(id).Pay("tok_visa");
        Assert.Equal(BookingStatus.Confirmed, paid.Booking!.Status);
        return (id, paid.Booking);
    }

    private static CheckinRequest Scan(BookingView booking, Ticket ticket, string gate, string? nonce = null) =>
        new(booking.EventId, booking.Id, ticket.Seat, gate, "staff-1", nonce is null ? null : TicketingClusterFixture.Start, nonce);

    [Fact]
    public async Task Many_gates_scanning_one_ticket_at_once_admit_it_exactly_once()
    {
        var (_, booking) = await PaidAsync("A-1-1");
        var ticket = booking.Tickets[0];
        var grain = Client.GetGrain<ITicketGrain>(ticket.Id);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => grain.CheckIn(Scan(booking, ticket, $"Gate-{i}"))));

        var admitted = Assert.Single(outcomes, o => o.Status == CheckinStatus.Admitted);
        Assert.Equal(19, outcomes.Count(o => o.Status == CheckinStatus.AlreadyCheckedIn));
        Assert.All(outcomes, o => Assert.Equal(admitted.Admission, o.Admission));
        Assert.Equal(admitted.Admission, await grain.GetAdmission());
        // Durable: what storage holds says the same.
        var stored = await fixture.ReadStoredStateAsync<Grains.Tickets.TicketState>(grain, "ticket");
        Assert.Equal(admitted.Admission, stored.Admission);
    }

    [Fact]
    public async Task A_cancelled_bookings_ticket_is_revoked_and_never_admitted()
    {
        var (id, booking) = await PaidAsync("A-2-1", "A-2-2");
        Assert.Equal(BookingCommandError.None, (await Client.GetGrain<IBookingGrain>(id).Cancel()).Error);

        foreach (var ticket in booking.Tickets)
        {
            var outcome = await Client.GetGrain<ITicketGrain>(ticket.Id).CheckIn(Scan(booking, ticket, "North"));
            Assert.Equal((CheckinStatus.Revoked, null), (outcome.Status, outcome.Admission));
            Assert.Null(await Client.GetGrain<ITicketGrain>(ticket.Id).GetAdmission());
        }

        // The event's ledger hears of the issue and of the revocation (one-way, so eventually).
        var ledger = Client.GetGrain<ICheckinLedgerGrain>(booking.EventId);
        await Scenario.Eventually(async () => (await ledger.GetList(0)).Revoked.Count == 2, seconds: 60);
        Assert.Empty((await ledger.GetList(0)).Valid);
    }

    [Fact]
    public async Task The_ticket_knows_its_booking_once_issued_and_offline_scans_replay_by_nonce()
    {
        var (id, booking) = await PaidAsync("A-3-1");
        var ticket = booking.Tickets[0];
        var grain = Client.GetGrain<ITicketGrain>(ticket.Id);
        await Scenario.Eventually(async () => await grain.GetBookingId() == id, seconds: 60);

        var first = await grain.CheckIn(Scan(booking, ticket, "North", "n-1"));
        var second = await grain.CheckIn(Scan(booking, ticket, "South", "n-2"));
        var replay = await grain.CheckIn(Scan(booking, ticket, "North", "n-1"));

        Assert.Equal((CheckinStatus.Admitted, false), (first.Status, first.Replayed));
        Assert.Equal((CheckinStatus.Conflict, "North"), (second.Status, second.Admission!.Gate));
        Assert.Equal((CheckinStatus.Admitted, true, first.Admission), (replay.Status, replay.Replayed, replay.Admission));
        var conflict = Assert.Single(await Client.GetGrain<ICheckinLedgerGrain>(booking.EventId).GetConflicts());
        Assert.Equal((ticket.Id, "North", "South"), (conflict.TicketId, conflict.First.Gate, conflict.Second.Gate));
    }
}
