using System.Net;
using Ticketing.Hosting.Schema;

namespace Ticketing.PostgresTests;

/// <summary>
/// Issue #11: an event of 400 sections could not be published on a multi-silo cluster, because PostgreSQL ran out of
/// connections. Here the database admits only 40 connections, and every host has a pool budget that fits it.
/// </summary>
public sealed class ConnectionBudgetTests
{
    private const int ConnectionLimit = 40;

    // Per silo 6 + 5 (group commit) + 4 (payment ledger), the API client 6: 2 × 15 + 6 = 36 ≤ 40.
    private static readonly string[] Budget = ["--Postgres:MaxPoolSize=6"];

    [PostgresFact]
    public async Task Two_silos_and_the_api_publish_a_400_section_event_within_the_database_s_connection_limit()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await database.ScalarAsync<int>($"ALTER DATABASE \"{database.Name}\" CONNECTION LIMIT {ConnectionLimit}; SELECT 1");
        await using var silo1 = HostProcess.StartSilo("silo1", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), Budget);
        await using var silo2 = HostProcess.StartSilo("silo2", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), Budget);
        var httpPort = HostProcess.FreePort();
        await using var api = HostProcess.StartApi(database.ConnectionString, httpPort, 0, 0, ["--Orleans:Mode=Client", .. Budget]);
        using var http = Http.Client(httpPort);
        await silo1.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await silo2.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await api.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));

        var sections = Enumerable.Range(0, 400).Select(i => (object)new { id = $"S{i}", name = $"Section {i}", rows = 20, seatsPerRow = 25, price = 10 }).ToArray();
        var eventId = await http.CreatePublishedEventAsync(600, sections);

        var ev = await (await http.GetAsync($"/api/events/{eventId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("OnSale", ev.GetProperty("status").GetString());
        Assert.Equal((0, 0), await http.AssertInvariantAsync(eventId));
        Assert.Equal(200_000, ev.GetProperty("sections").EnumerateArray().Sum(s => s.GetProperty("availability").GetProperty("free").GetInt32()));
        Assert.InRange(await database.ScalarAsync<int>($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database.Name}'"), 1, ConnectionLimit);
        var booking = await http.BookAsync(eventId, "S399-20-25");
        Assert.Equal("Held", booking.GetProperty("status").GetString());
    }
}
