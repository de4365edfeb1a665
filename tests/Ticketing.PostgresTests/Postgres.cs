using Npgsql;

namespace Ticketing.PostgresTests;

/// <summary>
/// A test that needs a real PostgreSQL server, given by TICKETING_TEST_POSTGRES (a connection string to a user that
/// may create databases). Without it the test is skipped, except under CI=true, where it runs and fails.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "TICKETING_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (Postgres.ServerConnectionString is null && !Postgres.IsCi)
        {
            Skip = $"No PostgreSQL configured: set {Variable} (e.g. Host=localhost;Username=postgres;Password=postgres) to run this test.";
        }
    }
}

public static class Postgres
{
    public static string? ServerConnectionString => Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable) is { Length: > 0 } value ? value : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RequireServer() => ServerConnectionString
        ?? throw new InvalidOperationException($"CI=true but {PostgresFactAttribute.Variable} is not set: the PostgreSQL tests must run in CI.");
}

/// <summary>A fresh, empty database for one test, dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Names a database that does not exist yet; the schema migrator creates it.</summary>
    public static TestDatabase Unborn()
    {
        var name = $"ticketing_test_{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(Postgres.RequireServer()) { Database = name };
        return new TestDatabase(name, builder.ConnectionString);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var maintenance = new NpgsqlConnectionStringBuilder(Postgres.RequireServer()) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }
}
