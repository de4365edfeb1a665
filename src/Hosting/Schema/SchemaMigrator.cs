using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ticketing.Hosting.Schema;

/// <summary>
/// Applies the PostgreSQL schema: the tables and stored queries of the Orleans ADO.NET providers, and the
/// project's own tables. Migrations are the embedded <c>Schema/NNN_name.sql</c> files, applied in order, each once,
/// recorded in <c>ticketing_schema_migrations</c>. An advisory lock lets several silos start at once safely, so
/// every host can run it at startup; running it again is a no-op.
/// </summary>
public static partial class SchemaMigrator
{
    // Any fixed number: all hosts of this schema take the same lock.
    private const long AdvisoryLockKey = 0x7469636B6574;

    [GeneratedRegex(@"^Ticketing\.Hosting\.Schema\.(?<version>\d{3})_(?<name>\w+)\.sql$")]
    private static partial Regex ResourceName();

    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <summary>Brings the database up to date; creates the database first if it does not exist. Returns the versions it applied.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(string connectionString, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        await EnsureDatabaseAsync(connectionString, logger, cancellationToken);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS ticketing_schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM ticketing_schema_migrations;", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var done = new List<int>();
        foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)))
        {
            logger?.LogInformation("Applying schema migration {Version} {Name}", migration.Version, migration.Name);
            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO ticketing_schema_migrations (version, name) VALUES (@version, @name);", connection);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken);
        return done;
    }

    private static async Task EnsureDatabaseAsync(string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = new NpgsqlConnection(connectionString);
            await probe.OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            var database = target.Database!;
            var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
            logger?.LogInformation("Creating database {Database}", database);
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            try
            {
                await ExecuteAsync(connection, $"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\";", cancellationToken);
            }
            catch (PostgresException race) when (race.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another host created it at the same moment.
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(name => (name, match: ResourceName().Match(name)))
            .Where(x => x.match.Success)
            .Select(x => new Migration(int.Parse(x.match.Groups["version"].Value), x.match.Groups["name"].Value, Read(assembly, x.name)))
            .OrderBy(m => m.Version)
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
