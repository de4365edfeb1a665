using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Ticketing.Silo.Hosting;
using Ticketing.Silo.Schema;

namespace Ticketing.PostgresTests;

public sealed class GracefulShutdownTests
{
    [PostgresFact]
    public async Task A_silo_stopped_with_SIGTERM_during_bookings_leaves_cleanly_and_loses_no_hold()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var silo1 = HostProcess.StartSilo("silo1", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        await using var silo2 = HostProcess.StartSilo("silo2", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        await silo1.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await silo2.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        var httpPort = HostProcess.FreePort();
        await using var api = HostProcess.StartApi(database.ConnectionString, httpPort, 0, 0, ["--Orleans:Mode=Client", .. HostProcess.FastFailureDetection]);
        using var http = Http.Client(httpPort);
        await api.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));

        // Each silo answers its operator endpoints; outside Development its dashboard is closed without a password.
        using (var siloHttp = Http.Client(silo1.HttpPort))
        {
            Assert.Equal(HttpStatusCode.OK, (await siloHttp.GetAsync(DeploymentContract.LivenessPath)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await siloHttp.GetAsync(DeploymentContract.ReadinessPath)).StatusCode);
            Assert.Contains("ticketing_holds_created_total", await siloHttp.GetStringAsync(DeploymentContract.MetricsPath));
            Assert.Equal(HttpStatusCode.Unauthorized, (await siloHttp.GetAsync("/dashboard/")).StatusCode);
        }

        var eventId = await http.CreatePublishedEventAsync(holdSeconds: 600,
            Enumerable.Range(1, 12).Select(i => (object)new { id = $"S{i}", name = $"Section {i}", rows = 20, seatsPerRow = 25, price = 10m }).ToArray());

        var acknowledged = new ConcurrentBag<(string Booking, string Seat)>();
        using var stop = new CancellationTokenSource();
        var buyers = Enumerable.Range(0, 6).Select(buyer => Task.Run(async () =>
        {
            var random = new Random(100 + buyer);
            while (!stop.IsCancellationRequested)
            {
                var seat = $"S{random.Next(1, 13)}-{random.Next(1, 21)}-{random.Next(1, 26)}";
                try
                {
                    var response = await http.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { email = "drain@example.com", seats = new[] { seat } });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var booking = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
                        acknowledged.Add((booking.GetProperty("id").GetString()!, seat));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await silo1.StopAsync(TimeSpan.FromSeconds(DeploymentContract.ShutdownSeconds + 15));
        stopped.Stop();
        var duringDrain = acknowledged.Count;
        await Task.Delay(TimeSpan.FromSeconds(2));
        stop.Cancel();
        await Task.WhenAll(buyers);

        Assert.Equal(0, silo1.ExitCode);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(DeploymentContract.ShutdownSeconds), $"Drained in {stopped.Elapsed}.");
        // It left the membership itself: its row says Dead (6), written by the silo on its way out.
        Assert.Equal(6, await database.ScalarAsync<int>($"SELECT status FROM orleansmembershiptable WHERE port = {silo1.SiloPort}"));
        Assert.True(acknowledged.Count > duringDrain, "The other silo went on serving bookings.");

        var seats = new Dictionary<string, string>();
        for (var i = 1; i <= 12; i++)
        {
            foreach (var (id, status) in await http.SeatMapAsync(eventId, $"S{i}"))
            {
                seats[id] = status;
            }
        }

        Assert.Equal(acknowledged.Count, acknowledged.Select(a => a.Seat).Distinct().Count());
        foreach (var (booking, seat) in acknowledged)
        {
            Assert.Equal("Held", seats[seat]);
            Assert.Equal("Held", await http.BookingStatusAsync(booking));
        }

        var (held, _) = await http.AssertInvariantAsync(eventId);
        Assert.Equal(seats.Count(s => s.Value == "Held"), held);
    }
}
