using System.Collections.Concurrent;
using Npgsql;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Events;

/// <summary>
/// Where each reader of the integration event log (a stream queue, the notifier, ...) has got to, by name, so that it
/// resumes there after a restart. A cursor only moves forward: a slower writer of the same name cannot move it back.
/// </summary>
public interface ILogConsumerCursors
{
    /// <summary>The saved cursor, or null when this consumer never saved one.</summary>
    Task<LogCursor?> GetAsync(string consumer, CancellationToken cancellationToken = default);

    Task SaveAsync(string consumer, LogCursor cursor, CancellationToken cancellationToken = default);
}

/// <summary>The embedded default's cursors, in memory like its log.</summary>
public sealed class InMemoryLogConsumerCursors : ILogConsumerCursors
{
    private readonly ConcurrentDictionary<string, LogCursor> _cursors = new();

    public Task<LogCursor?> GetAsync(string consumer, CancellationToken cancellationToken = default) =>
        Task.FromResult(_cursors.TryGetValue(consumer, out var cursor) ? cursor : (LogCursor?)null);

    public Task SaveAsync(string consumer, LogCursor cursor, CancellationToken cancellationToken = default)
    {
        _cursors.AddOrUpdate(consumer, cursor, (_, saved) => saved.CompareTo(cursor) >= 0 ? saved : cursor);
        return Task.CompletedTask;
    }
}

/// <summary>The cursors in PostgreSQL: one row per consumer in ticketing_event_consumers (migration 008).</summary>
public sealed class PostgresLogConsumerCursors(NpgsqlDataSource dataSource) : ILogConsumerCursors
{
    /// <summary>Saves $2/$3 for consumer $1 unless a later cursor is saved; usable inside a caller's own batch.</summary>
    public const string SaveSql =
        "INSERT INTO ticketing_event_consumers (consumer, tx, position) VALUES ($1, $2, $3) ON CONFLICT (consumer) DO UPDATE " +
        "SET tx = excluded.tx, position = excluded.position, updated_at = now() " +
        "WHERE (ticketing_event_consumers.tx, ticketing_event_consumers.position) < (excluded.tx, excluded.position)";

    public async Task<LogCursor?> GetAsync(string consumer, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT tx, position FROM ticketing_event_consumers WHERE consumer = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LogCursor(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    public async Task SaveAsync(string consumer, LogCursor cursor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SaveSql);
        AddSaveParameters(command.Parameters, consumer, cursor);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static void AddSaveParameters(NpgsqlParameterCollection parameters, string consumer, LogCursor cursor)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = cursor.Transaction });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = cursor.Position });
    }
}
