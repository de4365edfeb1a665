using System.Globalization;
using Npgsql;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Events;

/// <summary>
/// How integration events become rows of ticketing_events, for every writer (the log's own append, the group-commit
/// storage's outbox): one INSERT ... SELECT over arrays, in the order given, skipping ids recorded before.
/// </summary>
internal static class IntegrationEventRows
{
    /// <summary>
    /// The INSERT of the events bound at parameters $<paramref name="first"/> onwards (see <see cref="AddParameters"/>);
    /// <paramref name="from"/> is joined in front of the unnest (a CTE the insert depends on), or null.
    /// </summary>
    public static string InsertSql(int first, string? from = null) => string.Format(CultureInfo.InvariantCulture,
        "INSERT INTO ticketing_events (id, type, aggregate_id, sequence, occurred_at, payload, event_id) " +
        "SELECT e.id, e.type, e.aggregate_id, e.sequence, e.occurred_at, e.payload::json, nullif(e.event_id, '00000000-0000-0000-0000-000000000000') " +
        "FROM {0}unnest(${1}::uuid[], ${2}::text[], ${3}::text[], ${4}::bigint[], ${5}::timestamptz[], ${6}::text[], ${7}::uuid[]) " +
        "WITH ORDINALITY AS e(id, type, aggregate_id, sequence, occurred_at, payload, event_id, n) ORDER BY e.n ON CONFLICT (id) DO NOTHING",
        from is null ? "" : from + " CROSS JOIN ", first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6);

    public static void AddParameters(NpgsqlParameterCollection parameters, IReadOnlyCollection<IntegrationEvent> events)
    {
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.Id).ToArray() });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Type).ToArray() });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.AggregateId).ToArray() });
        parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Sequence).ToArray() });
        parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = events.Select(e => e.OccurredAt.ToUniversalTime()).ToArray() });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Payload).ToArray() });
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.EventId).ToArray() });
    }
}
