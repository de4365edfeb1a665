using Ticketing.Hosting.Schema;

namespace Ticketing.PostgresTests;

public sealed class SchemaTests
{
    [PostgresFact]
    public async Task A_fresh_database_gets_every_migration_and_a_second_run_changes_nothing()
    {
        await using var database = TestDatabase.Unborn();

        var first = await SchemaMigrator.MigrateAsync(database.ConnectionString);
        var second = await SchemaMigrator.MigrateAsync(database.ConnectionString);

        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), first);
        Assert.NotEmpty(first);
        Assert.Empty(second);
        Assert.Equal(first.Count, await database.ScalarAsync<int>("SELECT count(*) FROM ticketing_schema_migrations"));
    }

    [PostgresFact]
    public async Task Concurrent_hosts_migrating_at_once_apply_each_migration_once()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await database.ScalarAsync<int>("DROP TABLE ticketing_schema_migrations; SELECT 1");

        // With the record of applied migrations gone, every migration must still be safe to run again.
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SchemaMigrator.MigrateAsync(database.ConnectionString)));

        Assert.Equal(SchemaMigrator.Migrations.Count, runs.Sum(r => r.Count));
    }

    [PostgresFact]
    public async Task Every_query_the_orleans_providers_need_is_stored()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);

        foreach (var key in new[]
        {
            "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
            "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        })
        {
            Assert.True(await database.ScalarAsync<int>($"SELECT count(*) FROM orleansquery WHERE querykey = '{key}'") == 1, $"{key} is missing");
        }
    }
}
