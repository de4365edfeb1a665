using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

/// <summary>The all-or-nothing rules across blocks, run against real <see cref="SeatBlock"/>s in memory.</summary>
public sealed class HoldCoordinatorTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expiry = Now.AddMinutes(10);

    private readonly Dictionary<int, SeatBlock> _blocks = [];
    private readonly Guid _booking = Guid.NewGuid();

    private BlockDefinition AddBlock(int index, int firstRow, int rows, int seatsPerRow)
    {
        var definition = new BlockDefinition(Guid.Empty, index, "A", SectionKind.Seated, firstRow, rows, seatsPerRow, 0);
        _blocks[index] = new SeatBlock(new SeatBlockState());
        _blocks[index].Open(definition);
        return definition;
    }

    private Task<BlockHoldResult> HoldSeats(BlockSeats part) =>
        Task.FromResult(_blocks[part.Block.Index].HoldSeats(_booking, part.Seats, Expiry, Now));

    private Task<BlockHoldResult> HoldBest(BlockDefinition block, int quantity, BestAvailableMode mode) =>
        Task.FromResult(_blocks[block.Index].HoldBestAvailable(_booking, quantity, mode, Expiry, Now));

    private Task Release(BlockDefinition block)
    {
        _blocks[block.Index].Release(_booking, Now);
        return Task.CompletedTask;
    }

    private int Held => _blocks.Values.Sum(b => b.Counts(Now).Held);

    [Fact]
    public async Task Specific_seats_in_two_blocks_are_held_together()
    {
        var front = AddBlock(0, 1, 1, 10);
        var back = AddBlock(1, 2, 1, 10);

        var outcome = await HoldCoordinator.HoldSpecificAsync(
            [new BlockSeats(front, [new(1, 1)]), new BlockSeats(back, [new(2, 1)])], HoldSeats, Release);

        Assert.True(outcome.Succeeded);
        Assert.Equal(2, Held);
    }

    [Fact]
    public async Task When_one_block_refuses_what_the_other_granted_is_released()
    {
        var front = AddBlock(0, 1, 1, 10);
        var back = AddBlock(1, 2, 1, 10);
        _blocks[1].HoldSeats(Guid.NewGuid(), [new(2, 1)], Expiry, Now);

        var outcome = await HoldCoordinator.HoldSpecificAsync(
            [new BlockSeats(front, [new(1, 1), new(1, 2)]), new BlockSeats(back, [new(2, 1)])], HoldSeats, Release);

        Assert.Equal(HoldRefusal.SeatsTaken, outcome.Refusal);
        Assert.Equal(["A-2-1"], outcome.UnavailableSeats);
        Assert.Equal(0, _blocks[0].Counts(Now).Held);
        Assert.Equal(1, _blocks[1].Counts(Now).Held);
    }

    [Fact]
    public async Task Best_available_prefers_adjacent_seats_in_a_later_block_to_scattered_seats_in_the_first()
    {
        var front = AddBlock(0, 1, 1, 4);
        var back = AddBlock(1, 2, 1, 4);
        _blocks[0].HoldSeats(Guid.NewGuid(), [new(1, 2), new(1, 4)], Expiry, Now);

        var outcome = await HoldCoordinator.HoldBestAvailableAsync([front, back], 2, HoldBest, Release);

        Assert.True(outcome.Succeeded);
        var part = Assert.Single(outcome.Parts);
        Assert.Equal(1, part.Block.Index);
        Assert.Equal([new SeatPosition(2, 2), new SeatPosition(2, 3)], part.Result.Seats);
    }

    [Fact]
    public async Task Best_available_spreads_over_blocks_when_no_single_block_has_enough()
    {
        var front = AddBlock(0, 1, 1, 3);
        var back = AddBlock(1, 2, 1, 3);
        _blocks[0].HoldSeats(Guid.NewGuid(), [new(1, 1)], Expiry, Now);
        _blocks[1].HoldSeats(Guid.NewGuid(), [new(2, 3)], Expiry, Now);

        var outcome = await HoldCoordinator.HoldBestAvailableAsync([front, back], 4, HoldBest, Release);

        Assert.True(outcome.Succeeded);
        Assert.Equal(4, outcome.Parts.Sum(p => p.Result.Quantity));
        Assert.All(_blocks.Values, b => Assert.Equal(0, b.Counts(Now).Free));
    }

    [Fact]
    public async Task Best_available_refuses_and_holds_nothing_when_the_section_has_too_few_seats()
    {
        var front = AddBlock(0, 1, 1, 3);
        var back = AddBlock(1, 2, 1, 3);
        _blocks[0].HoldSeats(Guid.NewGuid(), [new(1, 1), new(1, 2)], Expiry, Now);

        var outcome = await HoldCoordinator.HoldBestAvailableAsync([front, back], 5, HoldBest, Release);

        Assert.Equal(HoldRefusal.NotEnoughSeats, outcome.Refusal);
        Assert.Equal(4, outcome.FreeSeen);
        Assert.Equal(2, Held);
    }

    [Fact]
    public async Task A_block_that_fails_mid_hold_leaves_nothing_held_anywhere()
    {
        var front = AddBlock(0, 1, 1, 10);
        var back = AddBlock(1, 2, 1, 10);

        Task<BlockHoldResult> HoldThenFail(BlockSeats part) =>
            part.Block.Index == 1 ? Task.FromException<BlockHoldResult>(new TimeoutException()) : HoldSeats(part);

        await Assert.ThrowsAsync<TimeoutException>(() => HoldCoordinator.HoldSpecificAsync(
            [new BlockSeats(front, [new(1, 1)]), new BlockSeats(back, [new(2, 1)])], HoldThenFail, Release));
        Assert.Equal(0, Held);
    }

    [Theory]
    [InlineData(BestAvailableMode.AdjacentInRow, 6)]
    [InlineData(BestAvailableMode.AnyInBlock, 8)]
    [InlineData(BestAvailableMode.AsManyAsAvailable, 6)]
    public async Task Best_available_spanning_blocks_leaves_nothing_held_when_a_later_call_throws(BestAvailableMode failingMode, int backSeats)
    {
        // Every other seat is taken, so no row has two adjacent free seats; the back block has 3 or 4 free.
        var front = AddBlock(0, 1, 1, 6);
        var back = AddBlock(1, 2, 1, backSeats);
        _blocks[0].HoldSeats(Guid.NewGuid(), [new(1, 2), new(1, 4), new(1, 6)], Expiry, Now);
        _blocks[1].HoldSeats(Guid.NewGuid(), Enumerable.Range(1, backSeats / 2).Select(i => new SeatPosition(2, 2 * i)).ToList(), Expiry, Now);
        var calls = new List<(int Block, BestAvailableMode Mode)>();

        // The back block holds, then its answer is lost: the call throws although the seats are held there.
        Task<BlockHoldResult> HoldThenFailInBack(BlockDefinition block, int quantity, BestAvailableMode mode)
        {
            calls.Add((block.Index, mode));
            var result = _blocks[block.Index].HoldBestAvailable(_booking, quantity, mode, Expiry, Now);
            return block.Index == 1 && mode == failingMode ? Task.FromException<BlockHoldResult>(new TimeoutException()) : Task.FromResult(result);
        }

        await Assert.ThrowsAsync<TimeoutException>(() => HoldCoordinator.HoldBestAvailableAsync([front, back], 4, HoldThenFailInBack, Release));

        Assert.Contains((1, failingMode), calls);
        Assert.Equal(3 + backSeats / 2, Held);
        Assert.DoesNotContain(_booking, _blocks[0].Bookings(Now));
        Assert.DoesNotContain(_booking, _blocks[1].Bookings(Now));
    }

    [Fact]
    public async Task Best_available_spanning_blocks_holds_across_both_when_nothing_fails()
    {
        var front = AddBlock(0, 1, 1, 6);
        var back = AddBlock(1, 2, 1, 6);
        _blocks[0].HoldSeats(Guid.NewGuid(), [new(1, 2), new(1, 4), new(1, 6)], Expiry, Now);
        _blocks[1].HoldSeats(Guid.NewGuid(), [new(2, 2), new(2, 4), new(2, 6)], Expiry, Now);

        var outcome = await HoldCoordinator.HoldBestAvailableAsync([front, back], 4, HoldBest, Release);

        Assert.True(outcome.Succeeded);
        Assert.Equal([3, 1], outcome.Parts.Select(p => p.Result.Quantity));
        Assert.Equal(10, Held);
    }

    [Fact]
    public void A_retried_hold_reports_the_expiry_its_block_really_has()
    {
        AddBlock(0, 1, 1, 6);
        var first = _blocks[0].HoldSeats(_booking, [new(1, 1)], Expiry, Now);

        // The same booking asks again a minute later (its first answer was lost), for a later expiry.
        var retried = _blocks[0].HoldSeats(_booking, [new(1, 1)], Expiry.AddMinutes(1), Now.AddMinutes(1));

        Assert.Equal(Expiry, first.ExpiresAt);
        Assert.Equal(Expiry, retried.ExpiresAt);
        Assert.Equal(first.Seats, retried.Seats);
        Assert.Equal(1, Held);
    }
}
