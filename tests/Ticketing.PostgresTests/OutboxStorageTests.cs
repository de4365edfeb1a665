using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Hosting.Events;
using Ticketing.Hosting.Schema;
using Ticketing.Hosting.Storage;

namespace Ticketing.PostgresTests;

/// <summary>
/// The outbox on PostgreSQL: the group-commit storage records a state's events in the transaction that writes it
/// (and only if it writes it), and the log's readers never pass over a row that commits out of position order.
/// </summary>
public sealed class OutboxStorageTests
{
    private const string StateName = "booking";

    private static async Task<(PostgresGroupCommitGrainStorage Storage, ServiceProvider Services, PostgresIntegrationEventLog Log, NpgsqlDataSource Source)> StartAsync(TestDatabase database)
    {
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var storage = new PostgresGroupCommitGrainStorage(
            "test", "service-a", database.ConnectionString,
            new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
            services.GetRequiredService<IActivatorProvider>(),
            new GroupCommitStorageOptions());
        var source = NpgsqlDataSource.Create(database.ConnectionString);
        return (storage, services, new PostgresIntegrationEventLog(source), source);
    }

    /// <summary>
    /// Pages through the log two at a time until <paramref name="expected"/> events came. The server is shared: another
    /// database's transaction that began before ours holds the reader back until it ends, so this waits (up to a minute).
    /// </summary>
    private static async Task<List<LoggedEvent>> ReadAllAsync(IIntegrationEventLog log, int expected)
    {
        var all = new List<LoggedEvent>();
        var cursor = LogCursor.Start;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (all.Count < expected && DateTime.UtcNow < deadline)
        {
            var page = await log.ReadAsync(cursor, 2);
            if (page.Count == 0)
            {
                await Task.Delay(50);
                continue;
            }

            all.AddRange(page);
            cursor = page[^1].Cursor;
        }

        all.AddRange(await log.ReadAsync(cursor, 10));
        return all;
    }

    [PostgresFact]
    public async Task Outbox_events_are_recorded_with_the_state_once_and_leave_the_outbox_and_the_stored_payload()
    {
        await using var database = TestDatabase.Unborn();
        var (storage, services, log, source) = await StartAsync(database);
        await using var _ = storage;
        await using var __ = services;
        await using var ___ = source;
        var bookingId = Guid.NewGuid();
        var showId = Guid.NewGuid();
        var grainId = GrainId.Create("booking", bookingId.ToString("N"));

        var state = new GrainState<BookingState>(new BookingState { Email = "b@example.com" });
        state.State!.AppendEvent(bookingId.ToString(), showId, IntegrationEventTypes.BookingHeld, DateTimeOffset.UnixEpoch, """{"n":1}""");
        await storage.WriteStateAsync(StateName, grainId, state);
        Assert.Empty(state.State!.Outbox);

        state.State!.AppendEvent(bookingId.ToString(), showId, IntegrationEventTypes.BookingConfirmed, DateTimeOffset.UnixEpoch.AddMinutes(1), """{"n":2}""");
        var confirmed = state.State!.Outbox.Single();
        await storage.WriteStateAsync(StateName, grainId, state);

        // A stale writer (another activation that read version 1) records nothing: its state write changed no row.
        var stale = new GrainState<BookingState>(new BookingState(), "1");
        stale.State!.EventSequence = 1;
        stale.State.AppendEvent(bookingId.ToString(), showId, IntegrationEventTypes.BookingExpired, DateTimeOffset.UnixEpoch, "{}");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, stale));
        Assert.Single(stale.State.Outbox);

        // Recording the same event again (a retry after a lost answer) adds nothing.
        await log.AppendAsync([confirmed]);

        var events = await ReadAllAsync(log, 2);
        Assert.Equal([IntegrationEventTypes.BookingHeld, IntegrationEventTypes.BookingConfirmed], events.Select(e => e.Event.Type));
        Assert.Equal([1L, 2L], events.Select(e => e.Event.Sequence));
        Assert.Equal(confirmed, events[1].Event with { Payload = confirmed.Payload });
        Assert.Equal("""{"n":2}""", events[1].Event.Payload);
        Assert.All(events, e => Assert.Equal(bookingId.ToString(), e.Event.AggregateId));
        Assert.All(events, e => Assert.Equal(showId, e.Event.EventId));

        // The stored state does not carry the recorded events: a reload finds an empty outbox and the sequence.
        var reloaded = new GrainState<BookingState>(new BookingState());
        await storage.ReadStateAsync(StateName, grainId, reloaded);
        Assert.Equal((0, 2L), (reloaded.State!.Outbox.Count, reloaded.State.EventSequence));
    }

    [PostgresFact]
    public async Task A_reader_waits_for_a_transaction_that_started_first_and_commits_last_and_then_serves_both_in_order()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        var log = new PostgresIntegrationEventLog(source);
        IntegrationEvent Event(string aggregate) => IntegrationEvent.Create(IntegrationEventTypes.BookingHeld, DateTimeOffset.UnixEpoch, aggregate, 1, "{}");

        await using var early = await source.OpenConnectionAsync();
        await using var earlyTransaction = await early.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO ticketing_events (id, type, aggregate_id, sequence, occurred_at, payload) VALUES ($1, 'booking.held', 'early', 1, now(), '{}')",
            early, earlyTransaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Event("early").Id });
            await insert.ExecuteNonQueryAsync();
        }

        // A later transaction commits first: while the early one runs, the reader must not move past it.
        await log.AppendAsync([Event("late")]);
        Assert.Empty(await log.ReadAsync(LogCursor.Start, 10));

        await earlyTransaction.CommitAsync();
        var events = await ReadAllAsync(log, 2);
        Assert.Equal(["early", "late"], events.Select(e => e.Event.AggregateId));
        Assert.Empty(await log.ReadAsync(events[^1].Cursor, 10));
    }
}
