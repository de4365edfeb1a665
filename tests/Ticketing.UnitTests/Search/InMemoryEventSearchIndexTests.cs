using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Search;

namespace Ticketing.UnitTests.Search;

/// <summary>The embedded event search ranks, counts and pages as the PostgreSQL one does (EventSearchIndexTests there).</summary>
public sealed class InMemoryEventSearchIndexTests
{
    private static readonly DateTimeOffset Base = new(2027, 3, 1, 18, 0, 0, TimeSpan.Zero);

    private static LoggedEvent Logged(long position, Guid id, string name, string description, string venue, DateTimeOffset startsAt, string status = "OnSale") =>
        new(IntegrationEvent.Create(IntegrationEventTypes.EventPublished, DateTimeOffset.UnixEpoch, id.ToString(), 1, System.Text.Json.JsonSerializer.Serialize(
            new EventPayload(id, name, description, venue, startsAt, status, "olga", DateTimeOffset.UnixEpoch), IntegrationEventPayloads.Json)), new LogCursor(1, position));

    /// <summary>Five events holding "zephyr" in different fields, one holding "zephyr" and "gala" only across fields.</summary>
    private static (List<LoggedEvent> Events, Guid AllFields, Guid Name, Guid VenueDescription, Guid Venue, Guid Description) RankScenario()
    {
        var (all, name, venueDescription, venue, description) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        // The later the start, the better the fields: the order comes from the rank, not the date.
        return ([
            Logged(1, description, "Spring Gala", "A zephyr from the sea", "Hall", Base),
            Logged(2, venue, "Spring Gala", "Quiet", "Zephyr Dome", Base.AddDays(1)),
            Logged(3, venueDescription, "Autumn Fair", "Zephyr songs", "Zephyr Dome", Base.AddDays(2)),
            Logged(4, name, "Zephyr Gala", "Quiet", "Hall", Base.AddDays(3)),
            Logged(5, all, "Zephyr Night", "Zephyr songs", "Zephyr Dome", Base.AddDays(4)),
        ], all, name, venueDescription, venue, description);
    }

    /// <summary>
    /// 3,400 events holding "crowd" (every 10th a draft, so 3,060 public: past the count limit, and past the 3,000
    /// matches up to which PostgreSQL ranks all of a search of several words): every 50th in its name too; start times
    /// shared by events, so that the id breaks ties.
    /// </summary>
    private static List<LoggedEvent> CrowdScenario() =>
        [.. Enumerable.Range(0, 3400).Select(i => Logged(100 + i, Guid.NewGuid(), i % 50 == 1 ? $"Crowd Night {i}" : $"Night {i}", "A crowd of friends", "Hall",
            Base.AddHours(i * 7 % 600), i % 10 == 0 ? "Draft" : "OnSale"))];

    /// <summary>The order a search must give: rank (fields holding "crowd"), then start, then id; drafts hidden.</summary>
    private static List<Guid> ExpectedCrowdOrder(List<LoggedEvent> events) =>
        [.. events.Select(e => System.Text.Json.JsonSerializer.Deserialize<EventPayload>(e.Event.Payload, IntegrationEventPayloads.Json)!)
            .Where(p => p.Status != "Draft")
            .OrderByDescending(p => p.Name.StartsWith("Crowd", StringComparison.Ordinal)).ThenBy(p => p.StartsAt).ThenBy(p => p.EventId)
            .Select(p => p.EventId)];

    private static async Task<List<EventSearchPage>> AllPagesAsync(IEventSearchIndex index, EventSearchQuery query)
    {
        var pages = new List<EventSearchPage>();
        SearchCursor? cursor = null;
        do
        {
            var page = await index.SearchAsync(query with { After = cursor });
            pages.Add(page);
            cursor = page.Next;
        }
        while (cursor is not null);

        return pages;
    }

    private static EventSearchQuery Query(string? words = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 20) =>
        new(words, from, to, null, null, false, null, limit);

    [Fact]
    public async Task Matches_rank_by_the_fields_that_hold_the_whole_query_then_by_start()
    {
        var index = new InMemoryEventSearchIndex();
        var (events, all, name, venueDescription, venue, description) = RankScenario();
        await index.ApplyAsync(events);

        var found = await index.SearchAsync(Query("zephyr"));
        Assert.Equal([all, name, venueDescription, venue, description], found.Items.Select(h => h.Event.Id));
        Assert.Equal([1.6f, 1f, 0.6f, 0.4f, 0.2f], found.Items.Select(h => h.Rank));
        Assert.Equal((5, true), (found.Total, found.TotalExact));

        var both = await index.SearchAsync(Query("ZEPHYR gala"));
        Assert.Equal([name, description, venue], both.Items.Select(h => h.Event.Id));
        Assert.Equal([1f, 0f, 0f], both.Items.Select(h => h.Rank));
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

        // Two words: the names holding both ("Crowd Night") first, then the rest, where only name and description together do.
        var twoWords = await AllPagesAsync(index, Query("crowd night", limit: 100));
        Assert.Equal(expected, twoWords.SelectMany(p => p.Items).Select(h => h.Event.Id));
        Assert.Equal([1f, 0f], twoWords.SelectMany(p => p.Items).Select(h => h.Rank).Distinct());

        var window = await AllPagesAsync(index, Query("crowd", from: Base.AddHours(100), to: Base.AddHours(200), limit: 100));
        var inWindow = window.SelectMany(p => p.Items).ToList();
        Assert.All(window, p => Assert.Equal((inWindow.Count, true), (p.Total, p.TotalExact)));
        Assert.Equal(expected.Where(id => inWindow.Any(h => h.Event.Id == id)), inWindow.Select(h => h.Event.Id));
        Assert.All(inWindow, h => Assert.InRange(h.Event.StartsAt, Base.AddHours(100), Base.AddHours(200).AddTicks(-1)));
    }

    [Fact]
    public void Ranks_are_the_eight_tiers_best_first()
    {
        Assert.Equal([1.6f, 1.4f, 1.2f, 1f, 0.6f, 0.4f, 0.2f, 0f], EventSearchRank.Tiers.Select(t => t.Rank));
        Assert.Equal((true, false, true), EventSearchRank.Tiers[2] is var t ? (t.Name, t.Venue, t.Description) : default);
    }
}
