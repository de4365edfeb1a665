using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

public sealed class SeatBlockTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expiry = Now.AddMinutes(10);

    internal static SeatBlock OpenSeatedBlock(int rows = 2, int seatsPerRow = 10, int firstRow = 1, int index = 0)
    {
        var block = new SeatBlock(new SeatBlockState());
        block.Open(new BlockDefinition(Guid.Empty, index, "A", SectionKind.Seated, firstRow, rows, seatsPerRow, 0));
        return block;
    }

    private static SeatPosition[] Seats(params (int Row, int Number)[] seats) => seats.Select(s => new SeatPosition(s.Row, s.Number)).ToArray();

    [Fact]
    public void Holding_free_seats_marks_them_held()
    {
        var block = OpenSeatedBlock();

        var result = block.HoldSeats(Guid.NewGuid(), Seats((1, 1), (1, 2)), Expiry, Now);

        Assert.True(result.Succeeded);
        Assert.Equal(Seats((1, 1), (1, 2)), result.Seats);
        Assert.Equal(new SeatCounts(20, 18, 2, 0), block.Counts(Now));
        var seats = block.Seats(Now);
        Assert.Equal(SeatStatus.Held, seats.Single(s => s.Position == new SeatPosition(1, 1)).Status);
        Assert.Equal(SeatStatus.Free, seats.Single(s => s.Position == new SeatPosition(1, 3)).Status);
    }

    [Fact]
    public void A_seat_that_is_taken_refuses_the_whole_request_and_names_the_seat()
    {
        var block = OpenSeatedBlock();
        block.HoldSeats(Guid.NewGuid(), Seats((1, 2)), Expiry, Now);

        var result = block.HoldSeats(Guid.NewGuid(), Seats((1, 1), (1, 2), (1, 3)), Expiry, Now);

        Assert.Equal(HoldRefusal.SeatsTaken, result.Refusal);
        Assert.Equal(Seats((1, 2)), result.Unavailable);
        Assert.Equal(new SeatCounts(20, 19, 1, 0), block.Counts(Now));
    }

    [Fact]
    public void Release_frees_the_seats_and_a_second_release_changes_nothing()
    {
        var block = OpenSeatedBlock();
        var booking = Guid.NewGuid();
        block.HoldSeats(booking, Seats((2, 5), (2, 6)), Expiry, Now);

        Assert.True(block.Release(booking, Now));
        Assert.False(block.Release(booking, Now));
        Assert.Equal(new SeatCounts(20, 20, 0, 0), block.Counts(Now));
        Assert.True(block.HoldSeats(Guid.NewGuid(), Seats((2, 5)), Expiry, Now).Succeeded);
    }

    [Fact]
    public void A_hold_expires_exactly_at_its_expiry_time()
    {
        var block = OpenSeatedBlock();
        var booking = Guid.NewGuid();
        block.HoldSeats(booking, Seats((1, 1)), Expiry, Now);

        Assert.Equal(Expiry, block.NextExpiry);
        Assert.Equal(1, block.Counts(Expiry.AddTicks(-1)).Held);
        Assert.Equal(new SeatCounts(20, 20, 0, 0), block.Counts(Expiry));
        Assert.All(block.Seats(Expiry), s => Assert.Equal(SeatStatus.Free, s.Status));
        Assert.Null(block.NextExpiry);
    }

    [Fact]
    public void ExpireDue_names_the_bookings_it_freed_and_keeps_later_holds()
    {
        var block = OpenSeatedBlock();
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        block.HoldSeats(early, Seats((1, 1)), Now.AddMinutes(1), Now);
        block.HoldSeats(late, Seats((1, 2)), Now.AddMinutes(5), Now);

        Assert.Equal([early], block.ExpireDue(Now.AddMinutes(1)));
        Assert.Equal(Now.AddMinutes(5), block.NextExpiry);
        Assert.Equal(1, block.Counts(Now.AddMinutes(1)).Held);
    }

    [Fact]
    public void An_expired_seat_can_be_held_again_without_waiting_for_a_timer()
    {
        var block = OpenSeatedBlock();
        block.HoldSeats(Guid.NewGuid(), Seats((1, 1)), Now.AddSeconds(5), Now);

        var result = block.HoldSeats(Guid.NewGuid(), Seats((1, 1)), Now.AddMinutes(10), Now.AddSeconds(5));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Best_available_takes_adjacent_seats_nearest_the_centre_of_the_front_row()
    {
        var block = OpenSeatedBlock(rows: 2, seatsPerRow: 10);
        block.HoldSeats(Guid.NewGuid(), Seats((1, 4), (1, 7)), Expiry, Now);

        var pair = block.HoldBestAvailable(Guid.NewGuid(), 2, BestAvailableMode.AdjacentInRow, Expiry, Now);
        var three = block.HoldBestAvailable(Guid.NewGuid(), 3, BestAvailableMode.AdjacentInRow, Expiry, Now);
        var five = block.HoldBestAvailable(Guid.NewGuid(), 5, BestAvailableMode.AdjacentInRow, Expiry, Now);

        // Row 1 is free at 1-3, 5-6 and 8-10: the pair fits the centre run exactly.
        Assert.Equal(Seats((1, 5), (1, 6)), pair.Seats);
        Assert.Equal(Seats((1, 1), (1, 2), (1, 3)), three.Seats);
        // No run of five is left in row 1, so the group moves back a row, centred.
        Assert.Equal(Seats((2, 3), (2, 4), (2, 5), (2, 6), (2, 7)), five.Seats);
    }

    [Fact]
    public void Best_available_adjacent_only_refuses_when_no_row_has_a_run_but_any_in_block_takes_scattered_seats()
    {
        var block = OpenSeatedBlock(rows: 1, seatsPerRow: 6);
        block.HoldSeats(Guid.NewGuid(), Seats((1, 2), (1, 4), (1, 6)), Expiry, Now);

        var adjacent = block.HoldBestAvailable(Guid.NewGuid(), 2, BestAvailableMode.AdjacentInRow, Expiry, Now);
        var any = block.HoldBestAvailable(Guid.NewGuid(), 2, BestAvailableMode.AnyInBlock, Expiry, Now);

        Assert.Equal(HoldRefusal.NotEnoughSeats, adjacent.Refusal);
        Assert.Equal(3, adjacent.Free);
        Assert.Equal(Seats((1, 1), (1, 3)), any.Seats);
    }

    [Fact]
    public void As_many_as_available_takes_what_is_left_up_to_the_quantity()
    {
        var block = OpenSeatedBlock(rows: 1, seatsPerRow: 4);
        block.HoldSeats(Guid.NewGuid(), Seats((1, 1)), Expiry, Now);

        var part = block.HoldBestAvailable(Guid.NewGuid(), 10, BestAvailableMode.AsManyAsAvailable, Expiry, Now);
        var none = block.HoldBestAvailable(Guid.NewGuid(), 1, BestAvailableMode.AsManyAsAvailable, Expiry, Now);

        Assert.Equal(3, part.Quantity);
        Assert.Equal(HoldRefusal.NotEnoughSeats, none.Refusal);
    }

    [Fact]
    public void General_admission_holds_quantities_up_to_the_capacity()
    {
        var block = new SeatBlock(new SeatBlockState());
        block.Open(new BlockDefinition(Guid.Empty, 0, "GA", SectionKind.GeneralAdmission, 0, 0, 0, 5));

        Assert.True(block.HoldBestAvailable(Guid.NewGuid(), 3, BestAvailableMode.AdjacentInRow, Expiry, Now).Succeeded);
        var refused = block.HoldBestAvailable(Guid.NewGuid(), 3, BestAvailableMode.AnyInBlock, Expiry, Now);

        Assert.Equal(HoldRefusal.NotEnoughSeats, refused.Refusal);
        Assert.Equal(2, refused.Free);
        Assert.Equal(new SeatCounts(5, 2, 3, 0), block.Counts(Now));
        Assert.Empty(block.Seats(Now));
    }

    [Fact]
    public void A_closed_block_refuses_new_holds_but_keeps_existing_ones()
    {
        var block = OpenSeatedBlock();
        block.HoldSeats(Guid.NewGuid(), Seats((1, 1)), Expiry, Now);
        block.Close();

        Assert.Equal(HoldRefusal.NotOnSale, block.HoldSeats(Guid.NewGuid(), Seats((1, 2)), Expiry, Now).Refusal);
        Assert.Equal(HoldRefusal.NotOnSale, block.HoldBestAvailable(Guid.NewGuid(), 1, BestAvailableMode.AnyInBlock, Expiry, Now).Refusal);
        Assert.Equal(1, block.Counts(Now).Held);
    }

    [Fact]
    public void Repeating_a_booking_hold_returns_what_it_already_holds_and_holds_nothing_more()
    {
        var block = OpenSeatedBlock();
        var booking = Guid.NewGuid();
        var first = block.HoldBestAvailable(booking, 2, BestAvailableMode.AdjacentInRow, Expiry, Now);

        var again = block.HoldBestAvailable(booking, 2, BestAvailableMode.AdjacentInRow, Expiry, Now);

        Assert.Equal(first.Seats, again.Seats);
        Assert.Equal(2, block.Counts(Now).Held);
    }

    [Fact]
    public void A_block_rebuilt_from_its_persisted_state_has_the_same_seats()
    {
        var state = new SeatBlockState();
        var block = new SeatBlock(state);
        block.Open(new BlockDefinition(Guid.Empty, 0, "A", SectionKind.Seated, 1, 2, 10, 0));
        block.HoldSeats(Guid.NewGuid(), Seats((1, 1), (2, 10)), Expiry, Now);

        var rebuilt = new SeatBlock(state);

        Assert.Equal(block.Counts(Now), rebuilt.Counts(Now));
        Assert.Equal(block.Seats(Now), rebuilt.Seats(Now));
        Assert.Equal(HoldRefusal.SeatsTaken, rebuilt.HoldSeats(Guid.NewGuid(), Seats((2, 10)), Expiry, Now).Refusal);
    }

    [Fact]
    public void Selling_a_live_hold_makes_its_seats_sold_for_good()
    {
        var block = OpenSeatedBlock();
        var booking = Guid.NewGuid();
        block.HoldSeats(booking, Seats((1, 1), (1, 2)), Expiry, Now);

        Assert.True(block.Sell(booking, Now));
        Assert.True(block.Sell(booking, Now));

        Assert.Equal(new SeatCounts(20, 18, 0, 2), block.Counts(Expiry.AddHours(1)));
        Assert.False(block.Release(booking, Now));
        Assert.Null(block.NextExpiry);
        Assert.Equal(SeatStatus.Sold, block.Seats(Now).Single(s => s.Position == new SeatPosition(1, 2)).Status);
    }

    [Fact]
    public void An_expired_or_released_hold_cannot_be_sold()
    {
        var block = OpenSeatedBlock();
        var expired = Guid.NewGuid();
        var released = Guid.NewGuid();
        block.HoldSeats(expired, Seats((1, 1)), Expiry, Now);
        block.HoldSeats(released, Seats((1, 2)), Expiry, Now);
        block.Release(released, Now);

        Assert.False(block.Sell(expired, Expiry));
        Assert.False(block.Sell(released, Now));
        Assert.Equal(0, block.Counts(Expiry).Sold);
    }

    [Fact]
    public void After_cancellation_a_hold_can_no_longer_be_sold_but_sales_made_stay()
    {
        var block = OpenSeatedBlock();
        var sold = Guid.NewGuid();
        var paying = Guid.NewGuid();
        block.HoldSeats(sold, Seats((1, 1)), Expiry, Now);
        block.Sell(sold, Now);
        block.HoldSeats(paying, Seats((1, 2)), Expiry, Now);

        Assert.True(block.Cancel());

        Assert.False(block.Sell(paying, Now));
        Assert.True(block.Sell(sold, Now));
        Assert.Equal(HoldRefusal.NotOnSale, block.HoldSeats(Guid.NewGuid(), Seats((1, 3)), Expiry, Now).Refusal);
        Assert.Equal(new SeatCounts(20, 18, 1, 1), block.Counts(Now));
    }

    [Fact]
    public void Extending_a_hold_moves_its_expiry_later_but_never_earlier()
    {
        var block = OpenSeatedBlock();
        var booking = Guid.NewGuid();
        block.HoldSeats(booking, Seats((1, 1)), Expiry, Now);

        Assert.True(block.ExtendHold(booking, Now.AddMinutes(1), Now));
        Assert.Equal(1, block.Counts(Expiry.AddTicks(-1)).Held);
        Assert.True(block.ExtendHold(booking, Expiry.AddMinutes(5), Now));
        Assert.Equal(1, block.Counts(Expiry.AddMinutes(4)).Held);
        Assert.Equal(0, block.Counts(Expiry.AddMinutes(5)).Held);
        Assert.False(block.ExtendHold(booking, Expiry.AddHours(1), Expiry.AddMinutes(5)));
    }

    [Fact]
    public void Returning_sold_seats_puts_them_back_on_sale()
    {
        var block = OpenSeatedBlock();
        var booking = Guid.NewGuid();
        block.HoldSeats(booking, Seats((2, 3)), Expiry, Now);
        Assert.False(block.ReturnSold(booking));
        block.Sell(booking, Now);

        Assert.True(block.ReturnSold(booking));

        Assert.Equal(new SeatCounts(20, 20, 0, 0), block.Counts(Now));
        Assert.True(block.HoldSeats(Guid.NewGuid(), Seats((2, 3)), Expiry, Now).Succeeded);
    }

    [Fact]
    public void Counts_always_add_up_to_the_capacity_and_match_the_seat_map()
    {
        var random = new Random(1234);
        var block = OpenSeatedBlock(rows: 5, seatsPerRow: 20);
        var bookings = new List<Guid>();
        var now = Now;
        for (var step = 0; step < 2_000; step++)
        {
            now = now.AddSeconds(random.Next(0, 3));
            switch (random.Next(4))
            {
                case 0:
                    var id = Guid.NewGuid();
                    var result = block.HoldBestAvailable(id, random.Next(1, 6), BestAvailableMode.AnyInBlock, now.AddSeconds(random.Next(1, 60)), now);
                    if (result.Succeeded)
                    {
                        bookings.Add(id);
                    }

                    break;
                case 1:
                    var seat = new SeatPosition(random.Next(1, 6), random.Next(1, 21));
                    var single = Guid.NewGuid();
                    if (block.HoldSeats(single, [seat], now.AddSeconds(random.Next(1, 60)), now).Succeeded)
                    {
                        bookings.Add(single);
                    }

                    break;
                case 2:
                    if (bookings.Count > 0)
                    {
                        block.Release(bookings[random.Next(bookings.Count)], now);
                    }

                    break;
                default:
                    if (bookings.Count > 0)
                    {
                        block.Sell(bookings[random.Next(bookings.Count)], now);
                    }

                    break;
            }

            var counts = block.Counts(now);
            Assert.Equal(counts.Capacity, counts.Free + counts.Held + counts.Sold);
            Assert.Equal(counts.Held, block.Seats(now).Count(s => s.Status == SeatStatus.Held));
            Assert.Equal(counts.Sold, block.Seats(now).Count(s => s.Status == SeatStatus.Sold));
        }
    }
}
