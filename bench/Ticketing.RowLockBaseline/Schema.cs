using Npgsql;

namespace Ticketing.RowLockBaseline;

/// <summary>Creates the service's database and tables when missing (idempotent).</summary>
public static class Schema
{
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS events (
            id            uuid PRIMARY KEY,
            name          text NOT NULL,
            description   text,
            venue         text NOT NULL,
            starts_at     timestamptz NOT NULL,
            currency      text NOT NULL,
            hold_seconds  int NOT NULL,
            status        text NOT NULL,
            created_at    timestamptz NOT NULL);

        CREATE TABLE IF NOT EXISTS sections (
            event_id       uuid NOT NULL REFERENCES events (id),
            id             text NOT NULL,
            position       int NOT NULL,
            name           text NOT NULL,
            kind           text NOT NULL,
            rows           int NOT NULL,
            seats_per_row  int NOT NULL,
            capacity       int NOT NULL,
            price          numeric(12, 2) NOT NULL,
            PRIMARY KEY (event_id, id));

        -- One row per seat (general admission: one per place, row 0). Only the primary key is indexed, and
        -- holds change only unindexed columns, so with free space on each page (fillfactor) updates stay HOT.
        CREATE TABLE IF NOT EXISTS seats (
            event_id    uuid NOT NULL REFERENCES events (id),
            section     text NOT NULL,
            row         int NOT NULL,
            number      int NOT NULL,
            status      smallint NOT NULL DEFAULT 0,  -- 0 free, 1 held (until held_until), 2 sold
            booking_id  uuid,
            held_until  timestamptz,
            PRIMARY KEY (event_id, section, row, number)
        ) WITH (fillfactor = 70);

        -- No foreign key to events: each insert would KEY SHARE-lock the event's row, one hot row for every hold.
        -- The booking keeps its seats, so a release updates them by primary key (no index on seats.booking_id).
        CREATE TABLE IF NOT EXISTS bookings (
            id            uuid PRIMARY KEY,
            event_id      uuid NOT NULL,
            email         text NOT NULL,
            status        text NOT NULL,
            section       text,
            quantity      int NOT NULL,
            seat_sections text[] NOT NULL,
            seat_rows     int[] NOT NULL,
            seat_numbers  int[] NOT NULL,
            expires_at    timestamptz NOT NULL,
            total         numeric(12, 2) NOT NULL,
            currency      text NOT NULL,
            created_at    timestamptz NOT NULL,
            payment_id    text,
            paid_at       timestamptz,
            refund_id     text,
            refunded_at   timestamptz,
            reason        text,
            ticket_ids    uuid[],
            ticket_codes  text[]);
        """;

    public static async Task EnsureAsync(string connectionString, bool reset, ILogger logger)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database ?? throw new InvalidOperationException("The connection string names no Database.");
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            if (reset)
            {
                logger.LogInformation("Dropping database {Database}", database);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quote(database)} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }

            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
            if (await exists.ExecuteScalarAsync() is null)
            {
                logger.LogInformation("Creating database {Database}", database);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {Quote(database)}", connection);
                try
                {
                    await create.ExecuteNonQueryAsync();
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Another process created it meanwhile.
                }
            }
        }

        await using var tables = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await tables.OpenAsync();
        await using var command = new NpgsqlCommand(Tables, tables);
        await command.ExecuteNonQueryAsync();
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
