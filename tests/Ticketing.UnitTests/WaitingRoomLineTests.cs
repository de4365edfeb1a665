using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

public sealed class WaitingRoomLineTests
{
    private static readonly DateTimeOffset OnSale = new(2027, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(4097)]
    public void The_shuffle_is_a_permutation(int count)
    {
        var drawn = Enumerable.Range(0, count).Select(i => Shuffle.Permute(i, count, 12345UL)).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), drawn.Order());
    }

    [Fact]
    public void Another_seed_draws_another_order()
    {
        var a = Enumerable.Range(0, 1000).Select(i => Shuffle.Permute(i, 1000, 1UL)).ToList();
        var b = Enumerable.Range(0, 1000).Select(i => Shuffle.Permute(i, 1000, 2UL)).ToList();
        Assert.True(a.Zip(b).Count(p => p.First == p.Second) < 50);
        Assert.True(a.Where((p, i) => p == i).Count() < 50);
    }

    private static WaitingRoomSnapshot Open(long[] earlyPerShard, long nowServing = 0)
    {
        var state = new WaitingRoomState();
        state.OpenWith(earlyPerShard, 99UL, OnSale);
        state.NowServing = nowServing;
        return state.ToSnapshot(OnSale, new WaitingRoomDefinition(60, TimeSpan.FromMinutes(5)), OnSale);
    }

    [Fact]
    public void Early_numbers_of_every_shard_fill_the_front_of_the_line_once_each_and_late_ones_follow()
    {
        var early = Enumerable.Range(0, WaitingRoomLine.Shards).Select(s => (long)(s + 3)).ToArray();
        var room = Open(early);
        var places = early.SelectMany((count, shard) => Enumerable.Range(0, (int)count).Select(seq => WaitingRoomLine.PlaceOf(new QueueNumber(shard, seq, true), room)!.Value)).ToList();
        Assert.Equal(Enumerable.Range(0, (int)early.Sum()).Select(p => (long)p), places.Order());

        var late = WaitingRoomLine.PlaceOf(new QueueNumber(2, 0, false), room);
        var later = WaitingRoomLine.PlaceOf(new QueueNumber(2, 1, false), room);
        Assert.Equal(early.Sum() + 2, late);
        Assert.Equal(early.Sum() + 2 + WaitingRoomLine.Shards, later);
    }

    [Fact]
    public void Before_the_opening_an_early_joiner_has_no_place_and_waits_for_the_opening()
    {
        var room = new WaitingRoomState().ToSnapshot(OnSale, new WaitingRoomDefinition(60, TimeSpan.FromMinutes(5)), OnSale.AddMinutes(-2));
        var (status, position, wait) = WaitingRoomLine.Evaluate(new QueueNumber(0, 0, true), null, room, OnSale.AddMinutes(-2));
        Assert.Equal((QueueStatus.Waiting, (long?)null, 120), (status, position, wait));
    }

    [Fact]
    public void Position_counts_who_is_ahead_and_the_wait_follows_the_rate()
    {
        var room = Open(new long[WaitingRoomLine.Shards], nowServing: 10);
        // Late number 1 of shard 0 is place 16: six places ahead of now serving (10), so seventh in line.
        var (status, position, wait) = WaitingRoomLine.Evaluate(new QueueNumber(0, 1, false), null, room, OnSale);
        Assert.Equal((QueueStatus.Waiting, (long?)7, 7), (status, position, wait));
        Assert.Equal(QueueStatus.Admitted, WaitingRoomLine.Evaluate(new QueueNumber(9, 0, false), null, room, OnSale).Status);
    }

    [Fact]
    public void An_admitted_ticket_lasts_its_shopping_window()
    {
        var room = Open(new long[WaitingRoomLine.Shards]);
        Assert.Equal(QueueStatus.Admitted, WaitingRoomLine.Evaluate(new QueueNumber(0, 0, false), OnSale, room, OnSale.AddMinutes(5).AddTicks(-1)).Status);
        Assert.Equal(QueueStatus.Expired, WaitingRoomLine.Evaluate(new QueueNumber(0, 0, false), OnSale, room, OnSale.AddMinutes(5)).Status);
    }

    [Fact]
    public void Now_serving_moves_at_the_rate_up_to_the_end_of_the_line_and_saves_up_nothing()
    {
        var state = new WaitingRoomState();
        state.OpenWith([100], 1UL, OnSale);
        for (var second = 1; second <= 10; second++)
        {
            state.Advance(OnSale.AddSeconds(second), admitPerMinute: 90, lineEnd: 100, maxStep: TimeSpan.FromSeconds(2));
        }

        Assert.Equal(15, state.NowServing); // 1.5 a second

        state.Advance(OnSale.AddSeconds(11), 90, lineEnd: 16, TimeSpan.FromSeconds(2));
        Assert.Equal(16, state.NowServing);
        Assert.Equal(0, state.Credit);

        // An hour with nobody looking earns at most one step's worth.
        state.Advance(OnSale.AddHours(1), 90, lineEnd: 10_000, TimeSpan.FromSeconds(2));
        Assert.Equal(19, state.NowServing);
    }
}
