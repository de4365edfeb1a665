using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

public sealed class BoundedFanOutTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(32)]
    public async Task Every_item_is_called_once_and_never_more_than_the_bound_at_a_time(int parallelism)
    {
        var (inFlight, most) = (0, 0);
        var called = new List<int>();
        var gate = new object();

        await BoundedFanOut.ForEachAsync(Enumerable.Range(0, 100), async item =>
        {
            lock (gate)
            {
                called.Add(item);
                most = Math.Max(most, ++inFlight);
            }

            await Task.Delay(1);
            lock (gate)
            {
                inFlight--;
            }
        }, parallelism);

        Assert.Equal(Enumerable.Range(0, 100), called.Order());
        Assert.InRange(most, 1, parallelism);
        Assert.Equal(0, inFlight);
    }

    [Fact]
    public async Task A_failed_call_fails_the_fan_out()
    {
        var calls = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => BoundedFanOut.ForEachAsync(Enumerable.Range(0, 10), async item =>
        {
            Interlocked.Increment(ref calls);
            await Task.Yield();
            if (item == 3)
            {
                throw new TimeoutException();
            }
        }, 2));

        Assert.InRange(calls, 4, 10);
    }
}
