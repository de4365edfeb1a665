using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

/// <summary>Publishing is atomic against layout edits: once a publish has begun, the layout stays as the blocks saw it.</summary>
public sealed class EventStateTests
{
    [Theory]
    [InlineData(EventStatus.Draft, false, false)]
    [InlineData(EventStatus.Draft, true, true)]
    [InlineData(EventStatus.OnSale, true, true)]
    [InlineData(EventStatus.SalesClosed, true, true)]
    [InlineData(EventStatus.Cancelled, false, true)]
    public void Only_a_draft_never_published_may_change_its_layout(EventStatus status, bool publishStarted, bool frozen)
    {
        var state = new EventState { Status = status, PublishStarted = publishStarted };

        Assert.Equal(frozen, state.LayoutIsFrozen);
        Assert.Equal(frozen, state.BlocksMayBeOpen);
    }
}
