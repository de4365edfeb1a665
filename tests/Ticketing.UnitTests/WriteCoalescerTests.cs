using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

public sealed class WriteCoalescerTests
{
    [Fact]
    public async Task Changes_made_while_a_write_is_in_flight_share_the_next_write()
    {
        var writes = new List<TaskCompletionSource>();
        // Continuations run inline on SetResult, one after another, as they would on a grain's scheduler.
        var coalescer = new WriteCoalescer(() =>
        {
            var write = new TaskCompletionSource();
            writes.Add(write);
            return write.Task;
        });

        var first = coalescer.WriteAsync();
        var second = coalescer.WriteAsync();
        var third = coalescer.WriteAsync();
        Assert.Single(writes);

        writes[0].SetResult();
        await first;
        Assert.Equal(2, writes.Count);
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        writes[1].SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, writes.Count);
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers()
    {
        // Continuations run inline on SetResult, one after another, as they would on a grain's scheduler.
        var coalescer = new WriteCoalescer(() => Task.FromException(new InvalidOperationException("stale")));

        await Assert.ThrowsAsync<InvalidOperationException>(coalescer.WriteAsync);
    }
}
