using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Events;

namespace Ticketing.Hosting.Search;

/// <summary>
/// Event search on PostgreSQL: table ticketing_event_search with a generated tsvector (name weight A, venue B,
/// description C, 'simple' dictionary) and one per field, each under a GIN index; words are read with
/// websearch_to_tsquery (so any input is a valid query) and ranked by the fields that hold them
/// (<see cref="EventSearchRank"/>). Pages are keyset-paginated on (rank, starts_at, event_id), so they neither skip
/// nor repeat rows; matches are counted up to <see cref="EventSearchRank.CountLimit"/>. The projection's log cursor is stored in ticketing_event_consumers in the
/// transaction that applies the events.
/// </summary>
public sealed partial class PostgresEventSearchIndex(NpgsqlDataSource dataSource) : IEventSearchIndex
{
    public const string ConsumerName = "event-search";

    /// <summary>Up to this many matches a search ranks them all in one pass; past it, it reads the rank tiers. At least <see cref="EventSearchRank.CountLimit"/>.</summary>
    private const int RankAllLimit = EventSearchRank.CountLimit;

    private const int RankAllLimitSeveralWords = 3 * EventSearchRank.CountLimit;

    private const string UpsertSql =
        "INSERT INTO ticketing_event_search (event_id, name, description, venue, starts_at, status, owner_id, created_at, listed, sequence) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO UPDATE SET name = excluded.name, " +
        "description = excluded.description, venue = excluded.venue, starts_at = excluded.starts_at, status = excluded.status, " +
        "owner_id = excluded.owner_id, sequence = excluded.sequence WHERE ticketing_event_search.sequence < excluded.sequence";

    private readonly PostgresLogConsumerCursors _cursors = new(dataSource);

    public async Task<LogCursor> GetCursorAsync(CancellationToken cancellationToken = default) =>
        await _cursors.GetAsync(ConsumerName, cancellationToken) ?? LogCursor.Start;

    public async Task ApplyAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var logged in events)
        {
            if (!logged.Event.Type.StartsWith("event.", StringComparison.Ordinal) || IntegrationEventPayloads.ReadEvent(logged.Event.Payload) is not { } e)
            {
                continue;
            }

            var upsert = new NpgsqlBatchCommand(UpsertSql);
            upsert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.EventId });
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Name });
            upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Venue });
            upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = e.StartsAt.ToUniversalTime() });
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Status });
            upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)e.OwnerId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = e.CreatedAt.ToUniversalTime() });
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = logged.Cursor.Position });
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = logged.Event.Sequence });
            batch.BatchCommands.Add(upsert);
        }

        // The cursor moves in the transaction that applies the events.
        var cursor = new NpgsqlBatchCommand(PostgresLogConsumerCursors.SaveSql);
        PostgresLogConsumerCursors.AddSaveParameters(cursor.Parameters, ConsumerName, events[^1].Cursor);
        batch.BatchCommands.Add(cursor);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<EventSearchPage> SearchAsync(EventSearchQuery query, CancellationToken cancellationToken = default)
    {
        var search = BuildSearch(query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var hits = new List<EventSearchHit>();
        long counted = 0;
        var complete = true;
        await using (var ranked = Command(connection, search.Ranked, search.Parameters))
        await using (var reader = await ranked.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                (counted, complete) = (reader.GetInt64(8), reader.GetInt64(8) <= reader.GetInt32(9));
                if (!reader.IsDBNull(0))
                {
                    hits.Add(new EventSearchHit(ReadSummary(reader), reader.GetFloat(7)));
                }
            }
        }

        if (!complete)
        {
            hits.Clear();
            await using var tiered = Command(connection, search.Tiered, search.Parameters);
            await using var reader = await tiered.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(new EventSearchHit(ReadSummary(reader), reader.GetFloat(7)));
            }
        }

        var more = hits.Count > query.Limit;
        var page = hits.Take(query.Limit).ToList();
        return new EventSearchPage(page, (int)Math.Min(counted, EventSearchRank.CountLimit), more ? SearchCursor.After(page[^1]) : null,
            counted <= EventSearchRank.CountLimit);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, List<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters.Take(ParameterCount(sql)).Select(p => p.Clone()).ToArray());
        return command;
    }

    /// <summary>
    /// The statements of a search (bench/search.sh sends the same ones). First <c>Ranked</c>: up to 1,001 matches
    /// (3,001 for several words) with their ranks, their count and the page among them. If that is every match (a few
    /// milliseconds, one short plan), it is the answer. Past that, the count says "at least 1,000" and <c>Tiered</c>
    /// finds the page: one branch per rank tier
    /// (<see cref="EventSearchRank"/>), best first, each its matches in start-time order up to the page, under a
    /// UNION ALL that stops at the page. A tier is "these fields hold the query, those do not", which the per-field GIN
    /// indexes (migration 010) find; a broad tier is read in start-time order from ticketing_event_search_starts and
    /// stops after the page, so no search ranks or visits every match. (UNION ALL here is PostgreSQL's Append, which
    /// runs its branches one after the other, in order, and only as far as the LIMIT asks; the branches' ranks
    /// decrease and each branch is ordered, so the rows come out in (rank, start, id) order.) Both give the same order,
    /// so a search may page from one into the other.
    /// </summary>
    internal static (string Ranked, string Tiered, List<NpgsqlParameter> Parameters) BuildSearch(EventSearchQuery query)
    {
        var parameters = new List<NpgsqlParameter>();
        string Parameter(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + parameters.Count;
        }

        var words = string.IsNullOrWhiteSpace(query.Words) ? null : $"websearch_to_tsquery('simple', {Parameter(query.Words, NpgsqlDbType.Text)})";
        var filters = new StringBuilder();
        if (query.From is { } from)
        {
            filters.Append($" AND starts_at >= {Parameter(from.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        }

        if (query.To is { } to)
        {
            filters.Append($" AND starts_at < {Parameter(to.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        }

        if (query.Venue is { } venue)
        {
            filters.Append($" AND lower(venue) = lower({Parameter(venue, NpgsqlDbType.Text)})");
        }

        if (!query.SeesAllDrafts)
        {
            filters.Append(query.ViewerId is { } viewer
                ? $" AND (status <> 'Draft' OR owner_id = {Parameter(viewer, NpgsqlDbType.Text)})"
                : " AND status <> 'Draft'");
        }

        const string Columns = "event_id, name, venue, starts_at, status, created_at, owner_id";
        var matches = $"{(words is null ? "TRUE" : $"document @@ {words}")}{filters}";
        var limit = query.Limit + 1;
        // The cursor's start and id serve both page statements, its rank only the ranked one (tiers are picked by rank here).
        var (afterKey, afterRank) = ("", "");
        if (query.After is { } c)
        {
            var (s, i) = (Parameter(c.StartsAt.ToUniversalTime(), NpgsqlDbType.TimestampTz), Parameter(c.EventId, NpgsqlDbType.Uuid));
            afterKey = $" AND (starts_at, event_id) > ({s}, {i})";
            var r = Parameter(c.Rank, NpgsqlDbType.Real);
            afterRank = $" AND (rank < {r} OR (rank = {r}{afterKey}))";
        }

        var rankOf = words is null ? "0::real"
            : $"(CASE WHEN name_doc @@ {words} THEN 10 ELSE 0 END + CASE WHEN venue_doc @@ {words} THEN 4 ELSE 0 END " +
                $"+ CASE WHEN description_doc @@ {words} THEN 2 ELSE 0 END)::real / 10::real";
        // Up to ranked_up_to + 1 matches with their ranks, visited once: their count, and the page among them when they are
        // all (count <= ranked_up_to). Several words read 3,000: the planner estimates a tier of several words as if they never went together,
        // so a tier of a common pair (2,000 events) would be sorted after visiting it anyway; one word's estimate is right.
        var rankAll = words is null ? $"{RankAllLimit}" : $"(CASE WHEN numnode({words}) = 1 THEN {RankAllLimit} ELSE {RankAllLimitSeveralWords} END)";
        var ranked = $"WITH matches AS MATERIALIZED (SELECT {Columns}, {rankOf} AS rank FROM ticketing_event_search WHERE {matches} " +
            $"LIMIT {rankAll} + 1) SELECT page.*, counted.count, {rankAll} AS ranked_up_to FROM (SELECT count(*) FROM matches) AS counted " +
            $"LEFT JOIN LATERAL (SELECT * FROM matches WHERE TRUE{afterRank} ORDER BY rank DESC, starts_at, event_id LIMIT {limit}) AS page ON TRUE " +
            "ORDER BY page.rank DESC, page.starts_at, page.event_id";

        var tiers = words is null ? [(Condition: "TRUE", Rank: EventSearchRank.Of(false, false, false))] : EventSearchRank.Tiers.Select(t => (
            // A field that holds the query makes the whole document hold it, unless the query excludes a word (websearch's
            // -word, '!' in the tsquery): then the document is checked too. The check folds away when the query is planned.
            Condition: t.Name || t.Venue || t.Description
                ? $"{Holds("name_doc", t.Name)} AND {Holds("venue_doc", t.Venue)} AND {Holds("description_doc", t.Description)} " +
                    $"AND (position('!' in {words}::text) = 0 OR document @@ {words})"
                // Spread over several fields: only a query of several words can be (planned away for one).
                : $"document @@ {words} AND NOT name_doc @@ {words} AND NOT venue_doc @@ {words} AND NOT description_doc @@ {words} AND numnode({words}) > 1",
            t.Rank)).ToList();
        string Holds(string field, bool holds) => $"{(holds ? "" : "NOT ")}{field} @@ {words}";

        var branches = new List<string>();
        foreach (var (condition, rank) in tiers)
        {
            if (query.After is { } a && rank > a.Rank)
            {
                continue;
            }

            branches.Add($"(SELECT {Columns}, {rank.ToString("R", CultureInfo.InvariantCulture)}::real AS rank FROM ticketing_event_search " +
                $"WHERE {condition}{filters}{(query.After?.Rank == rank ? afterKey : "")} ORDER BY starts_at, event_id LIMIT {limit})");
        }

        var tiered = branches.Count == 0
            ? $"SELECT {Columns}, 0::real AS rank FROM ticketing_event_search WHERE FALSE"
            : $"SELECT {Columns}, rank FROM ({string.Join(" UNION ALL ", branches)}) AS tiers LIMIT {limit}";
        return (ranked, tiered, parameters);
    }

    /// <summary>How many of the positional parameters ($1, $2, …) a statement uses: they are numbered in order of use.</summary>
    private static int ParameterCount(string sql) =>
        ParameterReference().Matches(sql).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex ParameterReference();

    public async Task<EventPage> ListAsync(string? viewerId, bool seesAllDrafts, int skip, int take, CancellationToken cancellationToken = default)
    {
        var visible = seesAllDrafts ? "TRUE" : viewerId is null ? "status <> 'Draft'" : "(status <> 'Draft' OR owner_id = $3)";
        await using var command = dataSource.CreateCommand(
            "SELECT event_id, name, venue, starts_at, status, created_at, owner_id, count(*) OVER () FROM ticketing_event_search " +
            $"WHERE {visible} ORDER BY listed OFFSET $1 LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = skip });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take });
        if (!seesAllDrafts && viewerId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = viewerId });
        }

        var items = new List<EventSummary>();
        var total = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadSummary(reader));
                total = (int)reader.GetInt64(7);
            }
        }

        if (items.Count == 0 && skip > 0)
        {
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM ticketing_event_search WHERE {visible.Replace("$3", "$1")}");
            if (!seesAllDrafts && viewerId is not null)
            {
                count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = viewerId });
            }

            total = (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        return new EventPage(items, total);
    }

    private static EventSummary ReadSummary(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
        Enum.Parse<EventStatus>(reader.GetString(4)), reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));
}
