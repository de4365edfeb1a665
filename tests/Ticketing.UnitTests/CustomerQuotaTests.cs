using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

/// <summary>The purchase-limit rules of one customer in one event, without a cluster.</summary>
public sealed class CustomerQuotaTests
{
    private static readonly DateTimeOffset Now = new(2027, 2, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Holds_are_granted_up_to_the_limit_and_no_further()
    {
        var quota = new CustomerQuotaState();

        Assert.True(quota.TryReserve(Guid.NewGuid(), 3, 4, Now.AddMinutes(10), Now).Granted);
        var refused = quota.TryReserve(Guid.NewGuid(), 2, 4, Now.AddMinutes(10), Now);
        Assert.True(quota.TryReserve(Guid.NewGuid(), 1, 4, Now.AddMinutes(10), Now).Granted);

        Assert.Equal((false, 3), (refused.Granted, refused.SeatsInUse));
        Assert.Equal(4, quota.SeatsInUse(Now));
    }

    [Fact]
    public void Reserving_the_same_booking_again_replaces_its_entry()
    {
        var quota = new CustomerQuotaState();
        var booking = Guid.NewGuid();

        quota.TryReserve(booking, 2, 2, Now.AddMinutes(10), Now);

        Assert.True(quota.TryReserve(booking, 2, 2, Now.AddMinutes(10), Now).Granted);
        Assert.Equal(2, quota.SeatsInUse(Now));
    }

    [Fact]
    public void A_release_gives_the_seats_back_and_a_lapsed_hold_counts_no_more()
    {
        var quota = new CustomerQuotaState();
        var released = Guid.NewGuid();
        quota.TryReserve(released, 2, 4, Now.AddMinutes(10), Now);
        quota.TryReserve(Guid.NewGuid(), 2, 4, Now.AddMinutes(1), Now);

        Assert.True(quota.Release(released));
        Assert.False(quota.Release(released));
        Assert.Equal(2, quota.SeatsInUse(Now));
        Assert.Equal(0, quota.SeatsInUse(Now.AddMinutes(1)));
        Assert.True(quota.TryReserve(Guid.NewGuid(), 4, 4, Now.AddMinutes(12), Now.AddMinutes(2)).Granted);
    }

    [Fact]
    public void Sold_seats_count_for_good_even_when_the_hold_had_lapsed()
    {
        var quota = new CustomerQuotaState();
        var paid = Guid.NewGuid();
        quota.TryReserve(paid, 2, 2, Now.AddMinutes(1), Now);

        Assert.True(quota.Confirm(paid, 2));
        Assert.False(quota.Confirm(paid, 2));
        Assert.True(quota.Confirm(Guid.NewGuid(), 1));

        Assert.Equal(3, quota.SeatsInUse(Now.AddYears(1)));
        Assert.False(quota.TryReserve(Guid.NewGuid(), 1, 3, Now.AddYears(1).AddMinutes(10), Now.AddYears(1)).Granted);
    }
}
