using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Search;

namespace Ticketing.Tests.Shared;

/// <summary>
/// The events both event search indexes are tested with (the in-memory one in UnitTests, PostgreSQL's in
/// PostgresTests), so that the two are held to the same order on the same data. Linked into both test projects.
/// </summary>
internal static class SearchScenarios
{
    public static readonly DateTimeOffset Base = new(2027, 3, 1, 18, 0, 0, TimeSpan.Zero);

    public static LoggedEvent Logged(long position, Guid id, string name, string description, string venue, DateTimeOffset startsAt, string status = "OnSale") =>
        new(IntegrationEvent.Create(IntegrationEventTypes.EventPublished, DateTimeOffset.UnixEpoch, id.ToString(), 1, System.Text.Json.JsonSerializer.Serialize(
            new EventPayload(id, name, description, venue, startsAt, status, "olga", DateTimeOffset.UnixEpoch), IntegrationEventPayloads.Json)), new LogCursor(1, position));

    /// <summary>
    /// What PostgreSQL 15's ts_rank gives RankScenario's events for "zephyr" (all fields, name, venue and description,
    /// venue, description) and for "zephyr gala" (name, venue, description: the closer the two words, the better).
    /// </summary>
    public static readonly float[] ZephyrRanks = [0.6822294f, 0.6079271f, 0.2735672f, 0.24317084f, 0.12158542f];

    public static readonly float[] ZephyrGalaRanks = [0.9910322f, 0.6267838f, 0.43540034f];

    /// <summary>ts_rank of CrowdScenario's events for "crowd night": "Crowd Night n" (both words adjacent in the name), then "Night n".</summary>
    public static readonly float[] CrowdNightRanks = [0.99485195f, 0.4259396f];

    /// <summary>Five events holding "zephyr" in different fields; "zephyr" and "gala" together in the name of one, across fields in two.</summary>
    public static (List<LoggedEvent> Events, Guid AllFields, Guid Name, Guid VenueDescription, Guid Venue, Guid Description) RankScenario()
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
    public static List<LoggedEvent> CrowdScenario() =>
        [.. Enumerable.Range(0, 3400).Select(i => Logged(100 + i, Guid.NewGuid(), i % 50 == 1 ? $"Crowd Night {i}" : $"Night {i}", "A crowd of friends", "Hall",
            Base.AddHours(i * 7 % 600), i % 10 == 0 ? "Draft" : "OnSale"))];

    /// <summary>The order a search must give: rank (a name holding "crowd" first), then start, then id; drafts hidden.</summary>
    public static List<Guid> ExpectedCrowdOrder(List<LoggedEvent> events) =>
        [.. events.Select(e => System.Text.Json.JsonSerializer.Deserialize<EventPayload>(e.Event.Payload, IntegrationEventPayloads.Json)!)
            .Where(p => p.Status != "Draft")
            .OrderByDescending(p => p.Name.StartsWith("Crowd", StringComparison.Ordinal)).ThenBy(p => p.StartsAt).ThenBy(p => p.EventId)
            .Select(p => p.EventId)];

    /// <summary>Every page of <paramref name="query"/>, following the cursors to the end.</summary>
    public static async Task<List<EventSearchPage>> AllPagesAsync(IEventSearchIndex index, EventSearchQuery query)
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
}
