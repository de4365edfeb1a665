using System.Net;
using Ticketing.Hosting.Operations;

namespace Ticketing.PostgresTests;

public sealed class GracefulShutdownTests
{
    [PostgresFact]
    public async Task A_silo_stopped_with_SIGTERM_during_bookings_leaves_cleanly_and_loses_no_hold()
    {
        await using var cluster = await TwoSiloCluster.StartAsync();
        var (database, silo1, http) = (cluster.Database, cluster.Silo1, cluster.Http);

        // Each silo answers its operator endpoints; outside Development its dashboard is closed without a password.
        using (var siloHttp = Http.Client(silo1.HttpPort))
        {
            Assert.Equal(HttpStatusCode.OK, (await siloHttp.GetAsync(DeploymentContract.LivenessPath)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await siloHttp.GetAsync(DeploymentContract.ReadinessPath)).StatusCode);
            Assert.Contains("ticketing_holds_created_total", await siloHttp.GetStringAsync(DeploymentContract.MetricsPath));
            Assert.Equal(HttpStatusCode.Unauthorized, (await siloHttp.GetAsync("/dashboard/")).StatusCode);
        }

        var eventId = await http.CreatePublishedEventAsync(holdSeconds: 600, Buyers.House(12));

        var buyers = new Buyers(http, eventId, 12);
        using var stop = new CancellationTokenSource();
        var running = buyers.Start(6, seed: 100, stop.Token);
        var acknowledged = buyers.Acknowledged;

        await Task.Delay(TimeSpan.FromSeconds(3));
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await silo1.StopAsync(TimeSpan.FromSeconds(DeploymentContract.ShutdownSeconds + 15));
        stopped.Stop();
        var duringDrain = acknowledged.Count;
        await Task.Delay(TimeSpan.FromSeconds(2));
        stop.Cancel();
        await Task.WhenAll(running);

        Assert.Equal(0, silo1.ExitCode);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(DeploymentContract.ShutdownSeconds), $"Drained in {stopped.Elapsed}.");
        // It left the membership itself: its row says Dead (6), written by the silo on its way out.
        Assert.Equal(6, await database.ScalarAsync<int>($"SELECT status FROM orleansmembershiptable WHERE port = {silo1.SiloPort}"));
        Assert.True(acknowledged.Count > duringDrain, "The other silo went on serving bookings.");

        await buyers.AssertNoAcknowledgedHoldLostAsync();
    }
}
