using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.GrainTests;

[Collection(ClusterCollection.Name)]
public sealed class BookingGrainTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    // Two rows of 250 seats per block: rows 1-2 in block 0, rows 3-4 in block 1.
    private static readonly SectionDefinition TwoBlocks = SectionDefinition.Seated("A", "Floor", 4, 250, 10);

    [Fact]
    public async Task A_hold_across_blocks_is_all_or_nothing()
    {
        var layout = await Scenario.PublishedEventAsync(Client, TwoBlocks);
        Assert.Equal(2, layout.Sections[0].Blocks.Count);
        var first = await Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Scenario.Seats(layout, "A-3-1"));
        Assert.Equal(BookingError.None, first.Error);

        var second = await Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Scenario.Seats(layout, "A-1-1", "A-1-2", "A-3-1"));

        Assert.Equal(BookingError.SeatsUnavailable, second.Error);
        Assert.Equal(["A-3-1"], second.UnavailableSeats);
        Assert.Equal(new SeatCounts(1000, 999, 1, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
        var block0 = await Client.GetGrain<ISeatBlockGrain>(layout.Sections[0].Blocks[0].GrainKey).GetSeats();
        Assert.All(block0, seat => Assert.Equal(SeatStatus.Free, seat.Status));
    }

    [Fact]
    public async Task A_hold_expires_on_the_clock_and_the_block_timer_frees_its_seats()
    {
        var layout = await Scenario.PublishedEventAsync(Client, TwoBlocks);
        var booking = Client.GetGrain<IBookingGrain>(Guid.NewGuid());
        var held = await booking.Hold(Scenario.Seats(layout, "A-1-1", "A-4-250"));
        Assert.Equal(fixture.Clock.GetUtcNow() + layout.HoldDuration, held.Booking!.ExpiresAt);

        fixture.Clock.Advance(layout.HoldDuration - TimeSpan.FromSeconds(1));
        Assert.Equal(BookingStatus.Held, (await booking.Get())!.Status);
        Assert.Equal(2, (await Scenario.CountsAsync(Client, layout.Sections[0])).Held);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));

        // The blocks' timers fire on the fake clock and persist the freed seats without any request arriving.
        foreach (var block in layout.Sections[0].Blocks)
        {
            var grain = Client.GetGrain<ISeatBlockGrain>(block.GrainKey);
            await Scenario.Eventually(async () => (await fixture.ReadStoredStateAsync<SeatBlockState>(grain, "seatBlock")).Allocations.Count == 0);
        }

        Assert.Equal(BookingStatus.Expired, (await booking.Get())!.Status);
        Assert.Equal(new SeatCounts(1000, 1000, 0, 0), await Scenario.CountsAsync(Client, layout.Sections[0]));
    }

    [Fact]
    public async Task Release_frees_the_seats_at_once_and_repeating_it_changes_nothing()
    {
        var layout = await Scenario.PublishedEventAsync(Client, TwoBlocks);
        var booking = Client.GetGrain<IBookingGrain>(Guid.NewGuid());
        await booking.Hold(Scenario.Seats(layout, "A-2-7", "A-3-7"));

        Assert.True(await booking.Release());
        Assert.True(await booking.Release());

        Assert.Equal(BookingStatus.Released, (await booking.Get())!.Status);
        Assert.Equal(0, (await Scenario.CountsAsync(Client, layout.Sections[0])).Held);
        var again = await Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Scenario.Seats(layout, "A-2-7", "A-3-7"));
        Assert.Equal(BookingError.None, again.Error);
    }

    /// <summary>
    /// A release cut off after a block let the seats go (its answer lost, as when the booking's silo dies then): the
    /// booking was stored Released before any block was asked, so it never says Held while its seats are on sale.
    /// </summary>
    [Fact]
    public async Task A_release_whose_block_answer_is_lost_leaves_the_booking_released_like_its_seats()
    {
        var (booking, section) = await ReleaseCutOffAsync(fixture.LostAnswers.LoseNextReleaseAnswer, "A-2-8", "A-3-8");

        Assert.Equal(BookingStatus.Released, (await fixture.ReadStoredStateAsync<BookingState>(booking, "booking")).Status);
        Assert.Equal(BookingStatus.Released, (await booking.Get())!.Status);
        Assert.Equal(0, (await Scenario.CountsAsync(Client, section)).Held);
    }

    /// <summary>A block out of reach keeps the seats of a released booking held; releasing again lets them go.</summary>
    [Fact]
    public async Task Releasing_again_finishes_a_release_that_a_block_did_not_get()
    {
        var (booking, section) = await ReleaseCutOffAsync(fixture.LostAnswers.RefuseNextRelease, "A-2-9", "A-3-9");
        Assert.Equal(BookingStatus.Released, (await booking.Get())!.Status);
        Assert.Equal(1, (await Scenario.CountsAsync(Client, section)).Held);

        Assert.Equal(BookingCommandError.None, (await booking.ReleaseHold()).Error);
        Assert.Equal(0, (await Scenario.CountsAsync(Client, section)).Held);
    }

    /// <summary>Holds the seats, has the booking's next block release cut off as <paramref name="cutOff"/> says, and releases (which fails).</summary>
    private async Task<(IBookingGrain Booking, SectionLayout Section)> ReleaseCutOffAsync(Action<Guid> cutOff, params string[] seats)
    {
        var (layout, id, booking) = await Scenario.HeldBookingAsync(Client, TwoBlocks, seats);
        cutOff(id);
        await Assert.ThrowsAsync<TimeoutException>(() => booking.ReleaseHold());
        return (booking, layout.Sections[0]);
    }

    [Fact]
    public async Task Releasing_an_unknown_booking_says_so()
    {
        Assert.False(await Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Release());
        Assert.Null(await Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Get());
    }

    [Fact]
    public async Task The_same_plan_twice_returns_the_same_booking_and_a_different_plan_is_refused()
    {
        var layout = await Scenario.PublishedEventAsync(Client, TwoBlocks);
        var booking = Client.GetGrain<IBookingGrain>(Guid.NewGuid());

        var first = await booking.Hold(Scenario.BestAvailable(layout, "A", 3));
        var repeat = await booking.Hold(Scenario.BestAvailable(layout, "A", 3));
        var other = await booking.Hold(Scenario.BestAvailable(layout, "A", 4));

        Assert.Equal(first.Booking!.Id, repeat.Booking!.Id);
        Assert.Equal(first.Booking.Seats, repeat.Booking.Seats);
        Assert.Equal(BookingError.IdempotencyKeyReused, other.Error);
        Assert.Equal(3, (await Scenario.CountsAsync(Client, layout.Sections[0])).Held);
    }

    [Fact]
    public async Task Best_available_finds_adjacent_seats_in_the_front_row()
    {
        var layout = await Scenario.PublishedEventAsync(Client, TwoBlocks);

        var result = await Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Scenario.BestAvailable(layout, "A", 4));

        Assert.Equal(["A-1-124", "A-1-125", "A-1-126", "A-1-127"], result.Booking!.Seats);
    }

    [Fact]
    public async Task Concurrent_best_available_bookings_never_oversell_general_admission()
    {
        var layout = await Scenario.PublishedEventAsync(Client, SectionDefinition.GeneralAdmission("GA", "Standing", 1000, 10));
        var section = layout.Sections[0];
        Assert.Equal(2, section.Blocks.Count);

        // 10 divides each shard's 500 places, so every one of the 1000 places can be sold without splitting a booking.
        var results = await Task.WhenAll(Enumerable.Range(0, 130).Select(_ =>
            Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Scenario.BestAvailable(layout, "GA", 10))));

        Assert.Equal(100, results.Count(r => r.Error == BookingError.None));
        Assert.Equal(30, results.Count(r => r.Error == BookingError.SeatsUnavailable));
        Assert.Equal(new SeatCounts(1000, 0, 1000, 0), await Scenario.CountsAsync(Client, section));
    }

    [Fact]
    public async Task After_sales_close_the_blocks_refuse_holds()
    {
        var layout = await Scenario.PublishedEventAsync(Client, TwoBlocks);
        var closed = await Client.GetGrain<IEventGrain>(layout.EventId).CloseSales();
        Assert.Equal(EventStatus.SalesClosed, closed.Event!.Status);

        var result = await Client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Scenario.Seats(layout, "A-1-1"));

        Assert.Equal(BookingError.NotOnSale, result.Error);
    }
}
