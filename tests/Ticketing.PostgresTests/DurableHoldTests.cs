using System.Diagnostics;
using Xunit.Abstractions;

namespace Ticketing.PostgresTests;

/// <summary>A 201 means durable: the whole system is killed the moment a hold is acknowledged, and nothing acknowledged is lost.</summary>
public sealed class DurableHoldTests(ITestOutputHelper output)
{
    private const int SectionCount = 12;

    [PostgresFact]
    public async Task Killing_every_process_right_after_a_201_loses_no_acknowledged_hold()
    {
        await using var database = TestDatabase.Unborn();
        int httpPort = HostProcess.FreePort(), siloPort = HostProcess.FreePort(), gatewayPort = HostProcess.FreePort();
        using var http = Http.Client(httpPort);
        string eventId;
        Buyers buyers;

        await using (var api = HostProcess.StartApi(database.ConnectionString, httpPort, siloPort, gatewayPort))
        {
            await api.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
            eventId = await http.CreatePublishedEventAsync(holdSeconds: 600, Buyers.House(SectionCount));

            // Many buyers at once, so that writes are in flight together (and grouped) when the kill comes.
            buyers = new Buyers(http, eventId, SectionCount);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var running = buyers.Start(32, seed: 7, stop.Token);

            // The kill follows a 201 within a millisecond or so, while the other buyers' holds are mid-write.
            var watch = Stopwatch.StartNew();
            while (buyers.Acknowledged.Count < 200 && watch.Elapsed < TimeSpan.FromSeconds(50))
            {
                await Task.Delay(1);
            }

            await api.KillAsync();
            var acknowledgedAtKill = buyers.Acknowledged.Count;
            await stop.CancelAsync();
            await Task.WhenAll(running);
            output.WriteLine($"acknowledged holds: {acknowledgedAtKill} when killed, {buyers.Acknowledged.Count} in all; failed requests: {buyers.Failures.Count}");
            Assert.True(acknowledgedAtKill >= 200, $"Only {acknowledgedAtKill} holds were acknowledged before the kill.");
            Assert.NotEmpty(buyers.Failures); // requests were in flight when the process died
        }

        await using var restarted = HostProcess.StartApi(database.ConnectionString, httpPort, siloPort, gatewayPort);
        await restarted.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        await buyers.AssertNoAcknowledgedHoldLostAsync();
    }
}
