using Npgsql;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Events;
using Ticketing.Hosting.Schema;
using Ticketing.Hosting.Search;
using static Ticketing.Tests.Shared.SearchScenarios;

namespace Ticketing.PostgresTests;

/// <summary>The PostgreSQL event search (tsvector, GIN, ts_rank, one word's ranks kept per event, capped count) fed from the log through the projection.</summary>
public sealed class EventSearchIndexTests
{
    private static IntegrationEvent Change(Guid id, long sequence, string type, string name, string description, string venue, DateTimeOffset startsAt, string status, string owner = "olga") =>
        IntegrationEvent.Create(type, DateTimeOffset.UnixEpoch, id.ToString(), sequence, System.Text.Json.JsonSerializer.Serialize(
            new EventPayload(id, name, description, venue, startsAt, status, owner, DateTimeOffset.UnixEpoch), IntegrationEventPayloads.Json));

    private static EventSearchQuery Query(string? words = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? viewer = null, SearchCursor? after = null, int limit = 20) =>
        new(words, from, to, null, viewer, false, after, limit);

    private static async Task<PostgresEventSearchIndex> IndexAsync(TestDatabase database)
    {
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        return new PostgresEventSearchIndex(NpgsqlDataSource.Create(database.ConnectionString));
    }

    [PostgresFact]
    public async Task Matches_rank_by_ts_rank_then_by_start()
    {
        await using var database = TestDatabase.Unborn();
        var index = await IndexAsync(database);
        var (events, all, name, venueDescription, venue, description) = RankScenario();
        await index.ApplyAsync(events);

        var found = await index.SearchAsync(Query("zephyr"));
        Assert.Equal([all, name, venueDescription, venue, description], found.Items.Select(h => h.Event.Id));
        Assert.Equal(ZephyrRanks, found.Items.Select(h => h.Rank));
        Assert.Equal((5, true), (found.Total, found.TotalExact));

        // "zephyr gala": both words side by side in one name; in the venue's event the two are nearer than in the description's.
        var both = await index.SearchAsync(Query("zephyr gala"));
        Assert.Equal([name, venue, description], both.Items.Select(h => h.Event.Id));
        Assert.Equal(ZephyrGalaRanks, both.Items.Select(h => h.Rank));

        // An excluded word removes a match whichever field holds it. (ts_rank then ranks every match alike, 1e-20: by start.)
        var excluding = await index.SearchAsync(Query("zephyr -songs"));
        Assert.Equal([description, venue, name], excluding.Items.Select(h => h.Event.Id));
        Assert.All(excluding.Items, h => Assert.Equal(1e-20f, h.Rank));
    }

    [PostgresFact]
    public async Task Past_the_count_limit_the_total_says_at_least_and_pages_still_neither_skip_nor_repeat()
    {
        await using var database = TestDatabase.Unborn();
        var index = await IndexAsync(database);
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

        // One broad word read from its kept ranks, filtered there too: the organizer also sees its drafts, a venue narrows nothing here.
        var withDrafts = await AllPagesAsync(index, Query("crowd", viewer: "olga", limit: 100));
        Assert.Equal(3400, withDrafts.Sum(p => p.Items.Count));
        Assert.Equal(expected, (await AllPagesAsync(index, Query("crowd", limit: 100) with { Venue = "HALL" })).SelectMany(p => p.Items).Select(h => h.Event.Id));
        Assert.Empty((await index.SearchAsync(Query("crowd") with { Venue = "Arena" })).Items);

        // Under the limit the count is exact (a window of 100 hours holds a few hundred public matches).
        var window = await AllPagesAsync(index, Query("crowd", from: Base.AddHours(100), to: Base.AddHours(200), limit: 100));
        var inWindow = window.SelectMany(p => p.Items).ToList();
        Assert.All(window, p => Assert.Equal((inWindow.Count, true), (p.Total, p.TotalExact)));
        Assert.Equal(expected.Where(id => inWindow.Any(h => h.Event.Id == id)), inWindow.Select(h => h.Event.Id));
        Assert.All(inWindow, h => Assert.InRange(h.Event.StartsAt, Base.AddHours(100), Base.AddHours(200).AddTicks(-1)));

        // An excluded word leaves none, however broad the rest.
        Assert.Equal((0, true), await index.SearchAsync(Query("crowd -friends")) is var none ? (none.Total, none.TotalExact) : default);
        Assert.Empty(none.Items);

        // Without words: soonest first, counted the same way; the organizer also sees its 120 drafts.
        var everything = await index.SearchAsync(Query(limit: 100) with { ViewerId = "olga" });
        Assert.Equal((EventSearchRank.CountLimit, false), (everything.Total, everything.TotalExact));

        // A change re-ranks the event's words (the kept ranks follow the row): the first "Crowd Night" renamed "Quiet Night"
        // joins the description matches, the last match made a draft again leaves the public.
        LoggedEvent Changed(Guid id, long position, Func<EventPayload, EventPayload> change)
        {
            var payload = change(System.Text.Json.JsonSerializer.Deserialize<EventPayload>(events.Single(e => e.Event.AggregateId == id.ToString()).Event.Payload, IntegrationEventPayloads.Json)!);
            return new LoggedEvent(Change(id, 2, IntegrationEventTypes.EventChanged, payload.Name, payload.Description!, payload.Venue, payload.StartsAt, payload.Status), new LogCursor(1, position));
        }

        var changes = new[] { Changed(expected[0], 5000, p => p with { Name = "Quiet Night" }), Changed(expected[^1], 5001, p => p with { Status = "Draft" }) };
        await index.ApplyAsync(changes);
        var changedOrder = ExpectedCrowdOrder([.. events.Where(e => changes.All(c => c.Event.AggregateId != e.Event.AggregateId)), .. changes]);
        Assert.Equal(3059, changedOrder.Count);
        Assert.Equal(changedOrder, (await AllPagesAsync(index, Query("crowd", limit: 100))).SelectMany(p => p.Items).Select(h => h.Event.Id));
        Assert.Contains((await index.SearchAsync(Query("quiet"))).Items, h => h.Event.Id == expected[0]);
    }

    [PostgresFact]
    public async Task Migration_011_ranks_the_words_of_events_projected_before_it()
    {
        await using var database = TestDatabase.Unborn();
        var index = await IndexAsync(database);
        var (events, all, name, venueDescription, venue, description) = RankScenario();
        await index.ApplyAsync(events);
        var kept = await database.ScalarAsync<long>("SELECT count(*) FROM ticketing_event_search_terms");

        // As before the migration: rows without kept ranks. The migration's backfill gives each event its words back.
        await database.ScalarAsync<int>("TRUNCATE ticketing_event_search_terms; SELECT 0");
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var migration = new NpgsqlCommand(SchemaMigrator.Migrations.Single(m => m.Version == 11).Sql, connection);
            await migration.ExecuteNonQueryAsync();
        }

        Assert.Equal(kept, await database.ScalarAsync<long>("SELECT count(*) FROM ticketing_event_search_terms"));
        Assert.Equal(ZephyrRanks, await database.ScalarAsync<float[]>(
            $"SELECT array_agg(-rank_key ORDER BY rank_key) FROM ticketing_event_search_terms WHERE term = 'zephyr' AND event_id = ANY('{{{all},{name},{venueDescription},{venue},{description}}}')"));
    }

    [PostgresFact]
    public async Task Words_dates_drafts_and_keyset_pages_over_the_projection_of_the_log()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        var log = new PostgresIntegrationEventLog(source);
        var index = new PostgresEventSearchIndex(source);
        var projection = new EventSearchProjection(log, index);
        var june = new DateTimeOffset(2027, 6, 1, 20, 0, 0, TimeSpan.Zero);

        var ids = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()).ToList();
        var events = new List<IntegrationEvent>();
        for (var i = 0; i < 7; i++)
        {
            events.Add(Change(ids[i], 1, IntegrationEventTypes.EventCreated, $"Summer Show {i}", "Open air", i == 3 ? "Summer Park" : "Hall", june.AddDays(i), "Draft"));
            events.Add(Change(ids[i], 2, IntegrationEventTypes.EventPublished, $"Summer Show {i}", "Open air", i == 3 ? "Summer Park" : "Hall", june.AddDays(i), "OnSale"));
        }

        var secret = Guid.NewGuid();
        events.Add(Change(secret, 1, IntegrationEventTypes.EventCreated, "Summer Secret", "Hush", "Cellar", june, "Draft"));
        // A replay of an older change must not undo a newer one.
        events.Add(Change(ids[0], 1, IntegrationEventTypes.EventCreated, "Summer Show 0", "Open air", "Hall", june, "Draft") with { Id = Guid.NewGuid() });
        events.Add(IntegrationEvent.Create(IntegrationEventTypes.BookingHeld, DateTimeOffset.UnixEpoch, Guid.NewGuid().ToString(), 1, """{"eventId":"x"}"""));
        await log.AppendAsync(events);

        // The log serves rows once older transactions (of any database on this shared server) have ended.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        EventSearchPage all;
        do
        {
            await projection.CatchUpAsync();
            all = await index.SearchAsync(Query("summer"));
        }
        while (all.Total < 7 && DateTime.UtcNow < deadline);

        // The venue match ranks the park show first; the rest by date. Drafts are hidden from the public.
        Assert.Equal(7, all.Total);
        Assert.Equal([ids[3], ids[0], ids[1], ids[2], ids[4], ids[5], ids[6]], all.Items.Select(h => h.Event.Id));
        Assert.All(all.Items, h => Assert.Equal(EventStatus.OnSale, h.Event.Status));
        Assert.Contains((await index.SearchAsync(Query("summer", viewer: "olga"))).Items, h => h.Event.Id == secret);
        Assert.DoesNotContain((await index.SearchAsync(Query("summer", viewer: "oscar"))).Items, h => h.Event.Id == secret);

        var paged = new List<Guid>();
        SearchCursor? cursor = null;
        do
        {
            var page = await index.SearchAsync(Query("summer", after: cursor, limit: 2));
            Assert.Equal(7, page.Total);
            paged.AddRange(page.Items.Select(h => h.Event.Id));
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(all.Items.Select(h => h.Event.Id), paged);
        Assert.Equal(ids[2..5], (await index.SearchAsync(Query(from: june.AddDays(2), to: june.AddDays(5)))).Items.Select(h => h.Event.Id));
        Assert.Equal(["Summer Show 0", "Summer Show 1"], (await index.ListAsync(null, false, 0, 2)).Items.Select(e => e.Name));
        Assert.Equal(8, (await index.ListAsync(null, true, 0, 100)).Total);

        // The cursor survives: a new projection (another process) resumes after the last applied event.
        Assert.Equal((await log.GetEndAsync()), await index.GetCursorAsync());
    }
}
