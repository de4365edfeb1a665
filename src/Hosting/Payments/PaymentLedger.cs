using System.Collections.Concurrent;
using Npgsql;

namespace Ticketing.Hosting.Payments;

public enum LedgerEntryKind
{
    Charge,
    Refund,
}

/// <summary>One answer the simulated provider gave, kept under the idempotency key it was given for.</summary>
public sealed record LedgerEntry(
    string IdempotencyKey, LedgerEntryKind Kind, ProviderResponse Response, string? PaymentToken, decimal Amount, string Currency, DateTimeOffset At);

/// <summary>
/// The simulated provider's memory of what it charged and refunded: the first answer recorded under a key is the
/// answer for that key forever, which is what makes the provider idempotent.
/// </summary>
public interface IPaymentLedger
{
    /// <summary>The answer recorded under <paramref name="idempotencyKey"/>, if any.</summary>
    Task<ProviderResponse?> FindAsync(string idempotencyKey, LedgerEntryKind kind, CancellationToken cancellationToken);

    /// <summary>Records the entry unless its key has an answer already; returns the answer that stands, and whether it is this one.</summary>
    Task<(ProviderResponse Answer, bool Recorded)> RecordAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>The test token of the approved charge with this reference, or null when there is no such charge.</summary>
    Task<string?> TokenOfChargeAsync(string chargeReference, CancellationToken cancellationToken);
}

/// <summary>The ledger of one process: the embedded default and the test clusters.</summary>
public sealed class InMemoryPaymentLedger : IPaymentLedger
{
    private readonly ConcurrentDictionary<string, LedgerEntry> _entries = new();
    private readonly ConcurrentDictionary<string, string> _tokenByCharge = new();

    public Task<ProviderResponse?> FindAsync(string idempotencyKey, LedgerEntryKind kind, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(idempotencyKey, out var entry) && entry.Kind == kind ? entry.Response : null);

    public Task<(ProviderResponse Answer, bool Recorded)> RecordAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        var standing = _entries.GetOrAdd(entry.IdempotencyKey, entry);
        var recorded = ReferenceEquals(standing, entry);
        if (recorded && entry is { Kind: LedgerEntryKind.Charge, Response.Approved: true, PaymentToken: { } token })
        {
            _tokenByCharge[entry.Response.Reference!] = token;
        }

        return Task.FromResult((standing.Response, recorded));
    }

    public Task<string?> TokenOfChargeAsync(string chargeReference, CancellationToken cancellationToken) =>
        Task.FromResult(_tokenByCharge.GetValueOrDefault(chargeReference));
}

/// <summary>
/// The ledger in PostgreSQL (table <c>ticketing_simulated_payments</c>, migration 006), shared by every silo: a
/// retry on another silo, or after a restart, finds the first answer, so nothing is charged twice, and a refund
/// always finds its charge. A small pool of its own keeps it inside the host's connection budget.
/// </summary>
public sealed class PostgresPaymentLedger : IPaymentLedger, IAsyncDisposable
{
    /// <summary>Payments are a trickle next to grain state: a few connections are plenty.</summary>
    public const int MaxConnections = 4;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresPaymentLedger(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = Math.Min(builder.ConnectionStringBuilder.MaxPoolSize, MaxConnections);
        builder.ConnectionStringBuilder.MinPoolSize = Math.Min(builder.ConnectionStringBuilder.MinPoolSize, builder.ConnectionStringBuilder.MaxPoolSize);
        _dataSource = builder.Build();
    }

    public async Task<ProviderResponse?> FindAsync(string idempotencyKey, LedgerEntryKind kind, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT approved, reference, decline_code FROM ticketing_simulated_payments WHERE idempotency_key = $1 AND kind = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
        command.Parameters.Add(new NpgsqlParameter { Value = KindName(kind) });
        return await ReadAnswerAsync(command, cancellationToken);
    }

    public async Task<(ProviderResponse Answer, bool Recorded)> RecordAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        await using (var insert = _dataSource.CreateCommand("""
            INSERT INTO ticketing_simulated_payments
                (idempotency_key, kind, approved, reference, decline_code, payment_token, amount, currency, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING approved, reference, decline_code
            """))
        {
            foreach (var value in new object?[]
            {
                entry.IdempotencyKey, KindName(entry.Kind), entry.Response.Approved, entry.Response.Reference, entry.Response.DeclineCode,
                entry.PaymentToken, entry.Amount, entry.Currency, entry.At,
            })
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            if (await ReadAnswerAsync(insert, cancellationToken) is { } inserted)
            {
                return (inserted, true);
            }
        }

        // Another attempt recorded this key first (its transaction has committed: ON CONFLICT waited for it).
        return (await FindAsync(entry.IdempotencyKey, entry.Kind, cancellationToken)
            ?? throw new InvalidOperationException($"Key {entry.IdempotencyKey} is recorded for another kind of transaction."), false);
    }

    public async Task<string?> TokenOfChargeAsync(string chargeReference, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT payment_token FROM ticketing_simulated_payments WHERE reference = $1 AND kind = 'charge' AND approved");
        command.Parameters.Add(new NpgsqlParameter { Value = chargeReference });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static string KindName(LedgerEntryKind kind) => kind == LedgerEntryKind.Charge ? "charge" : "refund";

    private static async Task<ProviderResponse?> ReadAnswerAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ProviderResponse(reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }
}
