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
/// description C, 'simple' configuration) under a GIN index; words are read with websearch_to_tsquery (so any input is
/// a valid query) and ranked with ts_rank (<see cref="EventSearchRank"/>). Pages are keyset-paginated on (rank,
/// starts_at, event_id), so they neither skip nor repeat rows; matches are counted up to
/// <see cref="EventSearchRank.CountLimit"/>. The projection's log cursor is stored in ticketing_event_consumers in the
/// transaction that applies the events; each event's one-word ranks (ticketing_event_search_terms, migration 011) are
/// kept by a trigger in the same transaction.
/// </summary>
public sealed partial class PostgresEventSearchIndex(NpgsqlDataSource dataSource) : IEventSearchIndex
{
    public const string ConsumerName = "event-search";

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
            if (!IntegrationEventTypes.IsCatalog(logged.Event.Type) || IntegrationEventPayloads.ReadEvent(logged.Event.Payload) is not { } e)
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
                (counted, complete) = (reader.GetInt64(8), reader.GetInt64(8) <= reader.GetInt64(9));
                if (!reader.IsDBNull(0))
                {
                    hits.Add(new EventSearchHit(ReadSummary(reader), reader.GetFloat(7)));
                }
            }
        }

        if (!complete)
        {
            hits.Clear();
            await using var broad = Command(connection, search.Broad, search.Parameters);
            await using var reader = await broad.ExecuteReaderAsync(cancellationToken);
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
    /// The statements of a search (bench/search.sh sends the same ones). First <c>Ranked</c>: the matches with their
    /// ts_rank, their count and the page among them, in one pass over narrow rows (id, start, rank; the page's other
    /// columns are joined for its rows only). A search of several words ranks every match that way: ts_rank needs their
    /// positions together, about 2 µs a match. One word (or none) stops after 1,001 matches: if that is all of them, it
    /// is the answer; past it, the count says "at least 1,000" and <c>Broad</c> reads the page from the word's ranks kept
    /// in ticketing_event_search_terms, in (rank, start, id) order from its index, stopping at the page (no words: from
    /// the start-time index). Both give the same order, so a search may page from one into the other.
    /// </summary>
    internal static (string Ranked, string Broad, List<NpgsqlParameter> Parameters) BuildSearch(EventSearchQuery query)
    {
        var parameters = new List<NpgsqlParameter>();
        string Parameter(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + parameters.Count;
        }

        var words = string.IsNullOrWhiteSpace(query.Words) ? null : $"websearch_to_tsquery('simple', {Parameter(query.Words, NpgsqlDbType.Text)})";
        // Filters on the event (s) or, for Broad's one word, on its ranks (t), which carry the start and who sees it.
        var (filters, termFilters) = (new StringBuilder(), new StringBuilder());
        void Filter(string onEvent, string onTerm)
        {
            filters.Append(onEvent);
            termFilters.Append(onTerm);
        }

        if (query.From is { } from)
        {
            var p = Parameter(from.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Filter($" AND s.starts_at >= {p}", $" AND t.starts_at >= {p}");
        }

        if (query.To is { } to)
        {
            var p = Parameter(to.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Filter($" AND s.starts_at < {p}", $" AND t.starts_at < {p}");
        }

        if (query.Venue is { } venue)
        {
            var p = Parameter(venue, NpgsqlDbType.Text);
            Filter($" AND lower(s.venue) = lower({p})", $" AND lower(s.venue) = lower({p})");
        }

        if (!query.SeesAllDrafts)
        {
            var viewer = query.ViewerId is { } v ? Parameter(v, NpgsqlDbType.Text) : null;
            Filter(viewer is null ? " AND s.status <> 'Draft'" : $" AND (s.status <> 'Draft' OR s.owner_id = {viewer})",
                viewer is null ? " AND t.draft_owner IS NULL" : $" AND (t.draft_owner IS NULL OR t.draft_owner = {viewer})");
        }

        // The cursor's start and id serve every statement, its rank those that rank (so it comes last).
        var (afterKey, afterRank, afterTerm) = ("", "", "");
        if (query.After is { } c)
        {
            var (s, i) = (Parameter(c.StartsAt.ToUniversalTime(), NpgsqlDbType.TimestampTz), Parameter(c.EventId, NpgsqlDbType.Uuid));
            afterKey = $" AND (s.starts_at, s.event_id) > ({s}, {i})";
            var r = Parameter(c.Rank, NpgsqlDbType.Real);
            afterRank = $" AND (rank < {r} OR (rank = {r} AND (starts_at, event_id) > ({s}, {i})))";
            afterTerm = $" AND (t.rank_key, t.starts_at, t.event_id) > (-{r}, {s}, {i})";
        }

        const string Columns = "s.event_id, s.name, s.venue, s.starts_at, s.status, s.created_at, s.owner_id";
        var limit = query.Limit + 1;
        // How many matches Ranked reads: one word or none stop past the count limit; several words are all ranked (null: no limit).
        var rankedUpTo = words is null ? $"{EventSearchRank.CountLimit}" : $"(CASE WHEN numnode({words}) > 1 THEN NULL ELSE {EventSearchRank.CountLimit} END)";
        var ranked = $"WITH matches AS MATERIALIZED (SELECT s.event_id, s.starts_at, {(words is null ? "0::real" : $"ts_rank(s.document, {words})")} AS rank " +
            $"FROM ticketing_event_search s WHERE {(words is null ? "TRUE" : $"s.document @@ {words}")}{filters} LIMIT {rankedUpTo} + 1) " +
            $"SELECT {Columns}, page.rank, counted.count, coalesce({rankedUpTo}, counted.count)::bigint AS ranked_up_to " +
            "FROM (SELECT count(*) FROM matches) AS counted " +
            $"LEFT JOIN LATERAL (SELECT * FROM matches WHERE TRUE{afterRank} ORDER BY rank DESC, starts_at, event_id LIMIT {limit}) AS page ON TRUE " +
            "LEFT JOIN ticketing_event_search s ON s.event_id = page.event_id ORDER BY page.rank DESC, page.starts_at, page.event_id";

        // The one word of the query is the lexeme of its only node; its ts_rank in each event is the kept -rank_key.
        var broad = words is null
            ? $"SELECT {Columns}, 0::real AS rank FROM ticketing_event_search s WHERE TRUE{filters}{afterKey} ORDER BY s.starts_at, s.event_id LIMIT {limit}"
            : $"SELECT {Columns}, -t.rank_key AS rank FROM ticketing_event_search_terms t JOIN ticketing_event_search s ON s.event_id = t.event_id " +
                $"WHERE t.term = (SELECT (tsvector_to_array({words}::text::tsvector))[1]){termFilters}{afterTerm} " +
                $"ORDER BY t.rank_key, t.starts_at, t.event_id LIMIT {limit}";
        return (ranked, broad, parameters);
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
