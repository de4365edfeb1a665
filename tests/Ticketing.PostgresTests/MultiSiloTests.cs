using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Ticketing.PostgresTests;

public sealed class MultiSiloTests(ITestOutputHelper output)
{
    private const int SectionCount = 12;

    [PostgresFact]
    public async Task Two_silos_share_the_grains_and_killing_one_loses_no_acknowledged_hold()
    {
        await using var cluster = await TwoSiloCluster.StartAsync();
        var (database, silo1, http) = (cluster.Database, cluster.Silo1, cluster.Http);

        var eventId = await http.CreatePublishedEventAsync(holdSeconds: 600, Buyers.House(SectionCount));
        await http.AssertInvariantAsync(eventId);
        await AssertSeatBlocksOnBothSilosAsync(database.ConnectionString);

        // Buyers book single seats while silo 1 is killed under them.
        var buyers = new Buyers(http, eventId, SectionCount);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var running = buyers.Start(8, seed: 0, stop.Token);
        var acknowledged = buyers.Acknowledged;
        var failures = buyers.Failures;

        await Task.Delay(TimeSpan.FromSeconds(3));
        var beforeKill = acknowledged.Count;
        await silo1.KillAsync();
        await Task.WhenAll(running);

        output.WriteLine($"acknowledged holds: {beforeKill} before the kill, {acknowledged.Count} in all; failed requests: {failures.Count} ({string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Key} x{g.Count()}"))})");
        Assert.True(beforeKill > 0, "Bookings went through before the kill.");
        Assert.True(acknowledged.Count > beforeKill, $"The surviving silo took over: {acknowledged.Count} acknowledged, {beforeKill} before the kill, failures: {string.Join(",", failures)}.\n{cluster.Silo2.Tail()}");

        await buyers.AssertNoAcknowledgedHoldLostAsync();
    }

    /// <summary>Asks the cluster itself, as an Orleans client, where the seat-block activations live.</summary>
    private static async Task AssertSeatBlocksOnBothSilosAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("ticketing", "ticketing"));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString));
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var statistics = await management.GetSimpleGrainStatistics();
            var silos = statistics.Where(s => s.GrainType.Contains("SeatBlock", StringComparison.OrdinalIgnoreCase) && s.ActivationCount > 0)
                .Select(s => s.SiloAddress).Distinct().ToList();
            Assert.True(silos.Count == 2, $"Seat blocks live on {silos.Count} silo(s): {string.Join(", ", statistics.Select(s => $"{s.GrainType}@{s.SiloAddress}={s.ActivationCount}"))}");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
