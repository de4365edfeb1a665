using Npgsql;
using NpgsqlTypes;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Events;

/// <summary>
/// The integration event log in PostgreSQL (table ticketing_events, migration 008). Rows are read in the order of
/// (tx, position): tx is the id of the transaction that inserted the row, position an identity. Concurrent
/// transactions may commit out of position order, so a reader only serves rows of transactions older than the
/// oldest one still running (pg_snapshot_xmin of its snapshot): every later-committing row then has a greater tx
/// than anything served, and a cursor never passes a row that becomes visible afterwards. The price: a row waits
/// for every transaction that started before it (in the whole server) to end, normally milliseconds; a transaction
/// left open for long holds the feed back for that long.
/// </summary>
public sealed class PostgresIntegrationEventLog(NpgsqlDataSource dataSource) : IIntegrationEventLog
{
    private const string AppendSql =
        "INSERT INTO ticketing_events (id, type, aggregate_id, sequence, occurred_at, payload) " +
        "SELECT e.id, e.type, e.aggregate_id, e.sequence, e.occurred_at, e.payload::jsonb " +
        "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::text[]) " +
        "WITH ORDINALITY AS e(id, type, aggregate_id, sequence, occurred_at, payload, n) ORDER BY e.n ON CONFLICT (id) DO NOTHING";

    private const string ReadSql =
        "SELECT tx, position, id, type, aggregate_id, sequence, occurred_at, payload::text FROM ticketing_events " +
        "WHERE (tx, position) > ($1, $2) AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint " +
        "ORDER BY tx, position LIMIT $3";

    private const string EndSql =
        "SELECT tx, position FROM ticketing_events WHERE tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint " +
        "ORDER BY tx DESC, position DESC LIMIT 1";

    public async Task<LogCursor> GetEndAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(EndSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LogCursor(reader.GetInt64(0), reader.GetInt64(1)) : LogCursor.Start;
    }

    public async Task AppendAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(AppendSql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.AggregateId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = events.Select(e => e.OccurredAt.ToUniversalTime()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Payload).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadAsync(LogCursor after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Transaction });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Position });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<LoggedEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var e = new IntegrationEvent(reader.GetGuid(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetString(4), reader.GetInt64(5), reader.GetString(7));
            events.Add(new LoggedEvent(e, new LogCursor(reader.GetInt64(0), reader.GetInt64(1))));
        }

        return events;
    }
}
