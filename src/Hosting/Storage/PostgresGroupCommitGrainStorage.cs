using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Hosting.Events;

namespace Ticketing.Hosting.Storage;

/// <summary>Tuning of <see cref="PostgresGroupCommitGrainStorage"/>, from the "Orleans:GroupCommit" section.</summary>
public sealed class GroupCommitStorageOptions
{
    public const string SectionName = "Orleans:GroupCommit";

    /// <summary>Most grain writes (or reads) sent in one batch.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Write batches in flight at once: one commits while the next gathers and runs.</summary>
    [Range(1, 32)]
    public int Writers { get; set; } = 2;

    /// <summary>Read batches in flight at once (reads happen when grains activate).</summary>
    [Range(1, 32)]
    public int Readers { get; set; } = 1;
}

/// <summary>
/// Orleans grain storage on PostgreSQL that commits the writes of many grains together: every write waiting while
/// a transaction runs goes into the next one (one round trip and one WAL flush for all of them), and each caller is
/// answered only after that commit. Each row keeps Orleans' storage contract on its own: a write names the version
/// it read, and a stale one (a duplicate activation) matches no row and fails alone with
/// <see cref="InconsistentStateException"/>, while the rest of its batch commits. Reads are batched the same way.
/// </summary>
public sealed class PostgresGroupCommitGrainStorage : IGrainStorage, IAsyncDisposable
{
    private const string ReadSql =
        "SELECT version, payload FROM ticketing_grain_state WHERE service_id = $1 AND grain_id = $2 AND state_name = $3";

    private const string InsertSql =
        "INSERT INTO ticketing_grain_state (service_id, grain_id, state_name, version, payload) VALUES ($1, $2, $3, 1, $4) " +
        "ON CONFLICT DO NOTHING RETURNING version, NULL::bytea";

    private const string UpdateSql =
        "UPDATE ticketing_grain_state SET version = version + 1, payload = $4, modified_at = now() " +
        "WHERE service_id = $1 AND grain_id = $2 AND state_name = $3 AND version = $5 RETURNING version, NULL::bytea";

    // A write that carries outbox events records them in the same statement, and so in the same transaction, only if
    // the state row was written: a stale writer (no row) records nothing. An event id seen before is skipped.
    private static string RecordEventsSql(int first) =>
        "recorded AS (" + IntegrationEventRows.InsertSql(first, from: "written") + ") SELECT version, NULL::bytea FROM written";

    private static readonly string InsertWithEventsSql =
        "WITH written AS (INSERT INTO ticketing_grain_state (service_id, grain_id, state_name, version, payload) VALUES ($1, $2, $3, 1, $4) " +
        "ON CONFLICT DO NOTHING RETURNING version), " + RecordEventsSql(5);

    private static readonly string UpdateWithEventsSql =
        "WITH written AS (UPDATE ticketing_grain_state SET version = version + 1, payload = $4, modified_at = now() " +
        "WHERE service_id = $1 AND grain_id = $2 AND state_name = $3 AND version = $5 RETURNING version), " +
        RecordEventsSql(6);

    private readonly string _name;
    private readonly string _serviceId;
    private readonly NpgsqlDataSource _dataSource;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly GroupCommitQueue<StorageCall> _reads;
    private readonly GroupCommitQueue<StorageCall> _writes;
    private long _writeBatches;
    private readonly Counter<long>? _batches;
    private readonly Counter<long>? _statements;

    public PostgresGroupCommitGrainStorage(
        string name,
        string serviceId,
        string connectionString,
        IGrainStorageSerializer serializer,
        IActivatorProvider activators,
        GroupCommitStorageOptions options,
        IMeterFactory? meters = null)
    {
        _name = name;
        _serviceId = serviceId;
        _serializer = serializer;
        _activators = activators;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Each worker uses one connection at a time; the same few statements run all day, so they are prepared once.
        builder.ConnectionStringBuilder.MaxPoolSize = options.Readers + options.Writers + 2;
        builder.ConnectionStringBuilder.MaxAutoPrepare = 8;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        _dataSource = builder.Build();
        // What each book-and-release costs the database, for operators and bench/pg-cost.sh.
        var meter = meters?.Create(TicketingMetrics.MeterName);
        _batches = meter?.CreateCounter<long>("ticketing.storage.batches", "{batch}", "Round trips of grain storage batches (a write batch also commits).");
        _statements = meter?.CreateCounter<long>("ticketing.storage.statements", "{statement}", "Grain reads and writes sent in batches.");
        _reads = new GroupCommitQueue<StorageCall>(batch => RunBatchAsync(batch, transactional: false), options.MaxBatchSize, options.Readers);
        _writes = new GroupCommitQueue<StorageCall>(batch => RunBatchAsync(batch, transactional: true), options.MaxBatchSize, options.Writers);
    }

    /// <summary>Write transactions committed so far: fewer than the writes when they were grouped.</summary>
    public long WriteBatches => Interlocked.Read(ref _writeBatches);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = await RunAsync(_reads, new StorageCall(ReadSql, grainId.ToString(), stateName, null, null));
        if (row is { Payload: { } payload })
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload)) ?? CreateState<T>();
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = CreateState<T>();
            grainState.RecordExists = false;
        }

        grainState.ETag = row is { } found ? Format(found.Version) : null;
    }

    /// <summary>
    /// Writes the state; its unrecorded outbox events (<see cref="IHasOutbox"/>) go into ticketing_events in the same
    /// transaction, and leave the stored payload and, once committed, the outbox.
    /// </summary>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var outbox = grainState.State as IHasOutbox;
        var events = outbox is { Outbox.Count: > 0 } ? outbox.Outbox.ToArray() : null;
        ReadOnlyMemory<byte> payload;
        if (events is null)
        {
            payload = _serializer.Serialize(grainState.State).ToMemory();
        }
        else
        {
            // Stored without the events it records in the same transaction: a reload never finds them again.
            outbox!.Outbox.Clear();
            try
            {
                payload = _serializer.Serialize(grainState.State).ToMemory();
            }
            finally
            {
                outbox.Outbox.InsertRange(0, events);
            }
        }

        grainState.ETag = await WriteAsync(grainId, stateName, grainState.ETag, payload, "write", events);
        grainState.RecordExists = true;
        if (events is not null)
        {
            outbox!.Outbox.RemoveAll(e => Array.IndexOf(events, e) >= 0);
        }
    }

    /// <summary>Keeps the row with no payload, so that its version goes on counting and a stale writer still fails.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            grainState.ETag = await WriteAsync(grainId, stateName, grainState.ETag, null, "clear");
        }

        grainState.State = CreateState<T>();
        grainState.RecordExists = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _reads.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task<string> WriteAsync(
        GrainId grainId, string stateName, string? etag, ReadOnlyMemory<byte>? payload, string operation, IReadOnlyList<IntegrationEvent>? events = null)
    {
        var call = etag is null
            ? new StorageCall(events is null ? InsertSql : InsertWithEventsSql, grainId.ToString(), stateName, payload, null, events)
            : new StorageCall(events is null ? UpdateSql : UpdateWithEventsSql, grainId.ToString(), stateName, payload, int.Parse(etag, CultureInfo.InvariantCulture), events);
        var row = await RunAsync(_writes, call);
        return row is { } written
            ? Format(written.Version)
            : throw new InconsistentStateException(
                $"Storage '{_name}': the {operation} of {stateName} for {grainId} expected version {etag ?? "(none)"}, but another writer changed it.",
                storedEtag: null, currentEtag: etag);
    }

    private static async Task<StoredRow?> RunAsync(GroupCommitQueue<StorageCall> queue, StorageCall call)
    {
        if (!queue.TryEnqueue(call))
        {
            throw new ObjectDisposedException(nameof(PostgresGroupCommitGrainStorage), "The grain storage is shutting down.");
        }

        return await call.Answer.Task;
    }

    /// <summary>
    /// One round trip for the whole batch (and, for writes, one transaction): every statement answers at most one
    /// row, the version it found or wrote. Callers hear back only after the commit; if anything fails, all of them
    /// get the error and none of their writes counts.
    /// </summary>
    private async Task RunBatchAsync(IReadOnlyList<StorageCall> batch, bool transactional)
    {
        var answers = new StoredRow?[batch.Count];
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var transaction = transactional ? await connection.BeginTransactionAsync() : null;
            await using var command = new NpgsqlBatch(connection, transaction);
            foreach (var call in batch)
            {
                command.BatchCommands.Add(call.ToCommand(_serviceId));
            }

            await using (var reader = await command.ExecuteReaderAsync())
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    if (i > 0)
                    {
                        await reader.NextResultAsync();
                    }

                    if (await reader.ReadAsync())
                    {
                        answers[i] = new StoredRow(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1));
                    }
                }
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync();
                Interlocked.Increment(ref _writeBatches);
            }
        }
        catch (Exception e)
        {
            foreach (var call in batch)
            {
                call.Answer.TrySetException(e);
            }

            return;
        }

        var kind = new KeyValuePair<string, object?>("kind", transactional ? "write" : "read");
        _batches?.Add(1, kind);
        _statements?.Add(batch.Count, kind);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Answer.TrySetResult(answers[i]);
        }
    }

    private T CreateState<T>() => _activators.GetActivator<T>().Create();

    private static string Format(int version) => version.ToString(CultureInfo.InvariantCulture);

    private readonly record struct StoredRow(int Version, byte[]? Payload);

    /// <summary>One statement of a batch and the caller waiting for its row.</summary>
    private sealed class StorageCall(
        string sql, string grainId, string stateName, ReadOnlyMemory<byte>? payload, int? expectedVersion, IReadOnlyList<IntegrationEvent>? events = null)
    {
        public TaskCompletionSource<StoredRow?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public NpgsqlBatchCommand ToCommand(string serviceId)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
            if (!ReferenceEquals(sql, ReadSql))
            {
                command.Parameters.Add(payload is { } bytes
                    ? new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = bytes, NpgsqlDbType = NpgsqlDbType.Bytea }
                    : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            }

            if (expectedVersion is { } version)
            {
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            }

            if (events is not null)
            {
                IntegrationEventRows.AddParameters(command.Parameters, events);
            }

            return command;
        }
    }
}
