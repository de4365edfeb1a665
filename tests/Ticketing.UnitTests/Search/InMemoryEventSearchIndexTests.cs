using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Search;
using static Ticketing.Tests.Shared.SearchScenarios;

namespace Ticketing.UnitTests.Search;

/// <summary>The embedded event search ranks, counts and pages as the PostgreSQL one does (EventSearchIndexTests there).</summary>
public sealed class InMemoryEventSearchIndexTests
{
    private static EventSearchQuery Query(string? words = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 20) =>
        new(words, from, to, null, null, false, null, limit);

    [Fact]
    public async Task Matches_rank_by_ts_rank_then_by_start()
    {
        var index = new InMemoryEventSearchIndex();
        var (events, all, name, venueDescription, venue, description) = RankScenario();
        await index.ApplyAsync(events);

        var found = await index.SearchAsync(Query("zephyr"));
        Assert.Equal([all, name, venueDescription, venue, description], found.Items.Select(h => h.Event.Id));
        Assert.Equal(ZephyrRanks, found.Items.Select(h => h.Rank));
        Assert.Equal((5, true), (found.Total, found.TotalExact));

        var both = await index.SearchAsync(Query("ZEPHYR gala"));
        Assert.Equal([name, venue, description], both.Items.Select(h => h.Event.Id));
        Assert.Equal(ZephyrGalaRanks, both.Items.Select(h => h.Rank));
    }

    [Fact]
    public async Task Past_the_count_limit_the_total_says_at_least_and_pages_still_neither_skip_nor_repeat()
    {
        var index = new InMemoryEventSearchIndex();
        var events = CrowdScenario();
        await index.ApplyAsync(events);
        var expected = ExpectedCrowdOrder(events);
        Assert.Equal(3060, expected.Count);

        var pages = await AllPagesAsync(index, Query("crowd", limit: 100));
        Assert.Equal(31, pages.Count);
        Assert.All(pages, p => Assert.Equal((EventSearchRank.CountLimit, false), (p.Total, p.TotalExact)));
        Assert.Equal(expected, pages.SelectMany(p => p.Items).Select(h => h.Event.Id));

        // Two words: the names holding both ("Crowd Night") first, then the rest, where the description's "crowd" is farther.
        var twoWords = await AllPagesAsync(index, Query("crowd night", limit: 100));
        Assert.Equal(expected, twoWords.SelectMany(p => p.Items).Select(h => h.Event.Id));
        Assert.Equal(CrowdNightRanks, twoWords.SelectMany(p => p.Items).Select(h => h.Rank).Distinct());

        var window = await AllPagesAsync(index, Query("crowd", from: Base.AddHours(100), to: Base.AddHours(200), limit: 100));
        var inWindow = window.SelectMany(p => p.Items).ToList();
        Assert.All(window, p => Assert.Equal((inWindow.Count, true), (p.Total, p.TotalExact)));
        Assert.Equal(expected.Where(id => inWindow.Any(h => h.Event.Id == id)), inWindow.Select(h => h.Event.Id));
        Assert.All(inWindow, h => Assert.InRange(h.Event.StartsAt, Base.AddHours(100), Base.AddHours(200).AddTicks(-1)));
    }
}
