using System.Text;
using Npgsql;
using NpgsqlTypes;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Hosting.Search;

/// <summary>
/// Event search on PostgreSQL: table ticketing_event_search with a generated tsvector (name weight A, venue B,
/// description C, 'simple' dictionary) under a GIN index; words are read with websearch_to_tsquery (so any input is
/// a valid query) and ranked with ts_rank. Pages are keyset-paginated on (rank, starts_at, event_id), so they
/// neither skip nor repeat rows. The projection's log cursor is stored in ticketing_event_consumers in the
/// transaction that applies the events.
/// </summary>
public sealed class PostgresEventSearchIndex(NpgsqlDataSource dataSource) : IEventSearchIndex
{
    public const string ConsumerName = "event-search";

    private const string UpsertSql =
        "INSERT INTO ticketing_event_search (event_id, name, description, venue, starts_at, status, owner_id, created_at, listed, sequence) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO UPDATE SET name = excluded.name, " +
        "description = excluded.description, venue = excluded.venue, starts_at = excluded.starts_at, status = excluded.status, " +
        "owner_id = excluded.owner_id, sequence = excluded.sequence WHERE ticketing_event_search.sequence < excluded.sequence";

    private const string CursorSql =
        "INSERT INTO ticketing_event_consumers (consumer, tx, position) VALUES ($1, $2, $3) ON CONFLICT (consumer) DO UPDATE " +
        "SET tx = excluded.tx, position = excluded.position, updated_at = now() " +
        "WHERE (ticketing_event_consumers.tx, ticketing_event_consumers.position) < (excluded.tx, excluded.position)";

    public async Task<LogCursor> GetCursorAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT tx, position FROM ticketing_event_consumers WHERE consumer = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ConsumerName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LogCursor(reader.GetInt64(0), reader.GetInt64(1)) : LogCursor.Start;
    }

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

        var cursor = new NpgsqlBatchCommand(CursorSql);
        cursor.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ConsumerName });
        cursor.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events[^1].Cursor.Transaction });
        cursor.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events[^1].Cursor.Position });
        batch.BatchCommands.Add(cursor);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<EventSearchPage> SearchAsync(EventSearchQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand();
        var where = new StringBuilder("TRUE");
        string Parameter(object value, NpgsqlDbType type)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + command.Parameters.Count;
        }

        var hasWords = !string.IsNullOrWhiteSpace(query.Words);
        var rank = "0::real";
        if (hasWords)
        {
            var q = Parameter(query.Words!, NpgsqlDbType.Text);
            rank = $"ts_rank(document, websearch_to_tsquery('simple', {q}))";
            where.Append($" AND document @@ websearch_to_tsquery('simple', {q})");
        }

        if (query.From is { } from)
        {
            where.Append($" AND starts_at >= {Parameter(from.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        }

        if (query.To is { } to)
        {
            where.Append($" AND starts_at < {Parameter(to.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        }

        if (query.Venue is { } venue)
        {
            where.Append($" AND lower(venue) = lower({Parameter(venue, NpgsqlDbType.Text)})");
        }

        if (!query.SeesAllDrafts)
        {
            where.Append(query.ViewerId is { } viewer
                ? $" AND (status <> 'Draft' OR owner_id = {Parameter(viewer, NpgsqlDbType.Text)})"
                : " AND status <> 'Draft'");
        }

        var after = "TRUE";
        if (query.After is { } c)
        {
            var (r, s, i) = (Parameter(c.Rank, NpgsqlDbType.Real), Parameter(c.StartsAt.ToUniversalTime(), NpgsqlDbType.TimestampTz), Parameter(c.EventId, NpgsqlDbType.Uuid));
            after = $"(rank < {r} OR (rank = {r} AND (starts_at, event_id) > ({s}, {i})))";
        }

        var limit = Parameter(query.Limit + 1, NpgsqlDbType.Integer);
        command.CommandText =
            $"WITH matches AS MATERIALIZED (SELECT event_id, name, venue, starts_at, status, created_at, owner_id, {rank} AS rank " +
            $"FROM ticketing_event_search WHERE {where}) " +
            $"SELECT event_id, name, venue, starts_at, status, created_at, owner_id, rank, (SELECT count(*) FROM matches) " +
            $"FROM matches WHERE {after} ORDER BY rank DESC, starts_at, event_id LIMIT {limit}";
        var hits = new List<EventSearchHit>();
        var total = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(new EventSearchHit(ReadSummary(reader), reader.GetFloat(7)));
                total = (int)reader.GetInt64(8);
            }
        }

        if (hits.Count == 0 && query.After is not null)
        {
            total = await CountAsync(query with { After = null, Limit = 1 }, cancellationToken);
        }

        var more = hits.Count > query.Limit;
        var page = hits.Take(query.Limit).ToList();
        return new EventSearchPage(page, total, more ? SearchCursor.After(page[^1]) : null);
    }

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

    private async Task<int> CountAsync(EventSearchQuery query, CancellationToken cancellationToken)
    {
        var page = await SearchAsync(query, cancellationToken);
        return page.Total;
    }

    private static EventSummary ReadSummary(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
        Enum.Parse<EventStatus>(reader.GetString(4)), reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));
}
