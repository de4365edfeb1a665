using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Ticketing.PostgresTests;

public sealed class MultiSiloTests(ITestOutputHelper output)
{
    private const int SectionCount = 12;

    // Twelve blocks of 500 seats: enough that buyers never run out during the test.
    private static readonly object[] Sections = Enumerable.Range(1, SectionCount)
        .Select(i => (object)new { id = $"S{i}", name = $"Section {i}", rows = 20, seatsPerRow = 25, price = 10m })
        .ToArray();

    [PostgresFact]
    public async Task Two_silos_share_the_grains_and_killing_one_loses_no_acknowledged_hold()
    {
        await using var database = TestDatabase.Unborn();
        await Ticketing.Silo.Schema.SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var silo1 = HostProcess.StartSilo("silo1", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        await using var silo2 = HostProcess.StartSilo("silo2", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        await silo1.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await silo2.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        var httpPort = HostProcess.FreePort();
        await using var api = HostProcess.StartApi(database.ConnectionString, httpPort, 0, 0, ["--Orleans:Mode=Client", .. HostProcess.FastFailureDetection]);
        using var http = Http.Client(httpPort);
        await api.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));

        var eventId = await http.CreatePublishedEventAsync(holdSeconds: 600, Sections);
        await http.AssertInvariantAsync(eventId);
        await AssertSeatBlocksOnBothSilosAsync(database.ConnectionString);

        // Buyers book single seats while silo 1 is killed under them.
        var acknowledged = new ConcurrentBag<(string Booking, string Seat)>();
        var failures = new ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buyers = Enumerable.Range(0, 8).Select(buyer => Task.Run(async () =>
        {
            var random = new Random(buyer);
            while (!stop.IsCancellationRequested)
            {
                var seat = $"S{random.Next(1, SectionCount + 1)}-{random.Next(1, 21)}-{random.Next(1, 26)}";
                try
                {
                    var response = await http.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { email = "load@example.com", seats = new[] { seat } });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var booking = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
                        acknowledged.Add((booking.GetProperty("id").GetString()!, seat));
                    }
                    else if (response.StatusCode != HttpStatusCode.Conflict)
                    {
                        failures.Add(response.StatusCode);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Add(HttpStatusCode.RequestTimeout);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var beforeKill = acknowledged.Count;
        await silo1.KillAsync();
        await Task.WhenAll(buyers);

        output.WriteLine($"acknowledged holds: {beforeKill} before the kill, {acknowledged.Count} in all; failed requests: {failures.Count} ({string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Key} x{g.Count()}"))})");
        Assert.True(beforeKill > 0, "Bookings went through before the kill.");
        Assert.True(acknowledged.Count > beforeKill, $"The surviving silo took over: {acknowledged.Count} acknowledged, {beforeKill} before the kill, failures: {string.Join(",", failures)}.\n{silo2.Tail()}");

        var seats = new Dictionary<string, string>();
        for (var i = 1; i <= SectionCount; i++)
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

        var (held, sold) = await http.AssertInvariantAsync(eventId);
        Assert.Equal(seats.Count(s => s.Value == "Held"), held);
        Assert.True(held >= acknowledged.Count);
        Assert.Equal(0, sold);
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
