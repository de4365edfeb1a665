using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Npgsql;

namespace Ticketing.Hosting.Cluster;

/// <summary>
/// How many PostgreSQL connections one host may hold, from "Postgres". PostgreSQL refuses clients past
/// <c>max_connections</c> (100 by default), so the hosts of a cluster must share it: hosts × budget ≤ max_connections −
/// a reserve for administration. The budget bounds the pool that the Orleans ADO.NET providers (membership, reminders,
/// ADO.NET grain storage) and the health checks share; on a silo, the group-commit storage (Readers + Writers + 2,
/// 5 by default), the simulated payment ledger (4) and the integration event log (2) keep small pools of their own on
/// top of it; an API in client mode adds only the event log's.
/// </summary>
public sealed class PostgresPoolOptions
{
    public const string SectionName = "Postgres";

    /// <summary>
    /// Applied as <c>Maximum Pool Size</c> unless the connection string sets one. 14 lets 3 silos and an API in client mode
    /// run on a stock PostgreSQL (100 connections, 3 reserved for superusers): 3 × (14 + 5 + 4 + 2) + (14 + 2) = 91 at most.
    /// </summary>
    [Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 14;
}

public static class PostgresConnectionBudget
{
    private static readonly string[] MaxPoolSizeKeywords = ["maxpoolsize", "maximumpoolsize"];

    private static readonly string[] NoResetOnCloseKeywords = ["noresetonclose"];

    /// <summary>
    /// The connection string with <c>Maximum Pool Size</c> set to <paramref name="maxPoolSize"/>, unless it names a pool
    /// size of its own (any spelling Npgsql accepts): then it is the operator's choice and stays as it is. Pooled
    /// connections are not reset when they go back to the pool (<c>No Reset On Close</c>), unless the connection string
    /// says otherwise: nothing here leaves session state behind (no SET, LISTEN, temporary tables or session locks),
    /// and the reset cost PostgreSQL up to eight statements per connection use — more statements than a purchase's own.
    /// </summary>
    public static string Apply(string connectionString, int maxPoolSize)
    {
        var raw = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(raw, MaxPoolSizeKeywords))
        {
            builder.MaxPoolSize = maxPoolSize;
            if (builder.MinPoolSize > maxPoolSize)
            {
                builder.MinPoolSize = maxPoolSize;
            }
        }

        if (!Names(raw, NoResetOnCloseKeywords))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private static bool Names(DbConnectionStringBuilder connectionString, string[] keywords) =>
        connectionString.Keys.Cast<string>().Any(key => keywords.Contains(key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()));
}
