using Npgsql;
using Ticketing.Grains.Abstractions;
using Ticketing.Hosting.Events;

namespace Ticketing.Hosting.Notifications;

/// <summary>
/// What the notifier has done: its log cursor, and one claim per event id. A message is sent only by whoever claims
/// its event first, so it is never sent twice, by any silo; a claim whose sending was cut off (a crash) stays
/// "sending" and is not retried: at most once, by design.
/// </summary>
public interface INotificationLedger
{
    Task<LogCursor> GetCursorAsync(CancellationToken cancellationToken);

    Task SaveCursorAsync(LogCursor cursor, CancellationToken cancellationToken);

    /// <summary>True for the first caller for this event id, ever; false for every later one.</summary>
    Task<bool> TryClaimAsync(Guid eventId, CancellationToken cancellationToken);

    Task CompleteAsync(Guid eventId, string? error, CancellationToken cancellationToken);
}

/// <summary>The embedded default's ledger, in memory like its log.</summary>
public sealed class InMemoryNotificationLedger : INotificationLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, string> _claims = [];
    private LogCursor _cursor = LogCursor.Start;

    public Task<LogCursor> GetCursorAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_cursor);
        }
    }

    public Task SaveCursorAsync(LogCursor cursor, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _cursor = cursor;
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryClaimAsync(Guid eventId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_claims.TryAdd(eventId, "sending"));
        }
    }

    public Task CompleteAsync(Guid eventId, string? error, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _claims[eventId] = error is null ? "sent" : "failed";
        }

        return Task.CompletedTask;
    }

    /// <summary>The status of an event's message, for tests: null (none), "sending", "sent" or "failed".</summary>
    public string? StatusOf(Guid eventId)
    {
        lock (_lock)
        {
            return _claims.GetValueOrDefault(eventId);
        }
    }
}

/// <summary>The ledger in PostgreSQL: ticketing_notifications (one row per claimed event) and the consumer cursor.</summary>
public sealed class PostgresNotificationLedger(NpgsqlDataSource dataSource) : INotificationLedger
{
    public const string ConsumerName = "notifications";

    private readonly PostgresLogConsumerCursors _cursors = new(dataSource);

    public async Task<LogCursor> GetCursorAsync(CancellationToken cancellationToken) =>
        await _cursors.GetAsync(ConsumerName, cancellationToken) ?? LogCursor.Start;

    public Task SaveCursorAsync(LogCursor cursor, CancellationToken cancellationToken) => _cursors.SaveAsync(ConsumerName, cursor, cancellationToken);

    public async Task<bool> TryClaimAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO ticketing_notifications (event_id, status) VALUES ($1, 'sending') ON CONFLICT (event_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task CompleteAsync(Guid eventId, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE ticketing_notifications SET status = $2, error = $3, completed_at = now() WHERE event_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error is null ? "sent" : "failed" });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
