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
    private static readonly string AppendSql = IntegrationEventRows.InsertSql(1);

    private const string ReadSql =
        "SELECT tx, position, id, type, aggregate_id, sequence, occurred_at, payload::text, event_id FROM ticketing_events " +
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
        IntegrationEventRows.AddParameters(command.Parameters, events);
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
                reader.GetString(4), reader.GetInt64(5), reader.GetString(7), reader.IsDBNull(8) ? Guid.Empty : reader.GetGuid(8));
            events.Add(new LoggedEvent(e, new LogCursor(reader.GetInt64(0), reader.GetInt64(1))));
        }

        return events;
    }
}
