using Xunit.Abstractions;

namespace Ticketing.PostgresTests;

/// <summary>
/// The chaos suite (issue #11): three silo processes and the API as their client, customers holding, paying and
/// releasing seats, and a fault: a silo killed, every silo restarted in turn, PostgreSQL stopped and started. The
/// payment provider declines, fails and loses answers throughout (test cards). After each: nothing oversold, nothing
/// acknowledged lost, a charge for exactly the Confirmed bookings, every booking in a final state, and no request
/// waited more than <see cref="MaxWait"/>.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Sections = 12;
    private const int Customers = 12;

    /// <summary>The bound on any request during a fault: the API's 3 s client timeout (checked each second) plus slack for a busy machine.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A payment interrupted by a crash settles when its booking is next activated (the checks read every booking): the
    /// activation resumes the saga 5 s later and asks the provider (1 s attempts here), well before the reminder's minute.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task A_silo_killed_under_load_fails_over_in_seconds_and_loses_nothing()
    {
        await using var database = TestDatabase.Unborn();
        await using var cluster = await ChaosCluster.StartAsync(database.ConnectionString);
        var (load, stop, running) = await StartLoadAsync(cluster);

        await Task.Delay(TimeSpan.FromSeconds(4));
        var killedAt = DateTime.UtcNow;
        await cluster.KillAsync(0);
        await Task.Delay(TimeSpan.FromSeconds(12));
        await StopAsync(stop, running);

        var after = load.Log.Where(r => r.At >= killedAt).ToList();
        Report(load, killedAt, "kill -9 of silo 1");
        Assert.True(after.Count(r => r.Status == 201 && r.At >= killedAt.AddSeconds(6)) > 0, $"No hold succeeded after the failover: {load.Summary(killedAt)}\n{cluster.Tails()}");
        AssertAnswered(load, cluster);
        await load.AssertNothingLostAsync(database.ConnectionString, Settle);
    }

    [PostgresFact]
    public async Task A_rolling_restart_of_every_silo_loses_nothing()
    {
        await using var database = TestDatabase.Unborn();
        await using var cluster = await ChaosCluster.StartAsync(database.ConnectionString);
        var (load, stop, running) = await StartLoadAsync(cluster);

        await Task.Delay(TimeSpan.FromSeconds(3));
        var began = DateTime.UtcNow;
        for (var i = 0; i < cluster.Silos.Count; i++)
        {
            await cluster.RestartAsync(i);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        var ended = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await StopAsync(stop, running);

        Report(load, began, $"rolling restart of {cluster.Silos.Count} silos ({(ended - began).TotalSeconds:0.0} s)");
        Assert.True(load.Log.Count(r => r.Status == 201 && r.At >= ended) > 0, $"No hold succeeded after the restarts: {load.Summary(ended)}");
        AssertAnswered(load, cluster);
        await load.AssertNothingLostAsync(database.ConnectionString, Settle);
    }

    [PostgresFact]
    public async Task PostgreSQL_stopped_under_load_gives_503s_and_the_cluster_recovers_by_itself()
    {
        await using var server = await OwnPostgres.StartAsync();
        var connectionString = server.ConnectionString("ticketing_chaos");
        await using var cluster = await ChaosCluster.StartAsync(connectionString);
        var (load, stop, running) = await StartLoadAsync(cluster);

        await Task.Delay(TimeSpan.FromSeconds(4));
        await server.StopAsync();
        var stoppedAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(20));
        var restartedAt = DateTime.UtcNow;
        await server.StartServerAsync();

        // Recovered: holds succeed again, with no process restarted.
        var recovered = DateTime.MaxValue;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && recovered == DateTime.MaxValue; await Task.Delay(200))
        {
            recovered = load.Log.Where(r => r.Status == 201 && r.At >= restartedAt).Select(r => r.At).DefaultIfEmpty(DateTime.MaxValue).Min();
        }

        await Task.Delay(TimeSpan.FromSeconds(4));
        await StopAsync(stop, running);

        // While it was down (from the stop, plus a second for requests already past their last write), only 503 and 409.
        var during = load.Log.Where(r => r.At >= stoppedAt.AddSeconds(1) && r.At < restartedAt).ToList();
        output.WriteLine($"PostgreSQL down {(restartedAt - stoppedAt).TotalSeconds:0.0} s: {during.Count} requests meanwhile ({load.Summary(stoppedAt.AddSeconds(1), restartedAt)}); " +
            $"holds succeed again {(recovered - restartedAt).TotalSeconds:0.0} s after it is back");
        Report(load, stoppedAt, "PostgreSQL stopped");
        Assert.True(recovered != DateTime.MaxValue, $"No hold succeeded within 60 s of PostgreSQL's return: {load.Summary(restartedAt)}\n{cluster.Tails()}");
        Assert.NotEmpty(during);
        Assert.All(during, r => Assert.Contains(r.Status, new[] { 503, 409 }));
        Assert.All(cluster.Silos, s => Assert.False(s!.HasExited, $"{s.Name} exited:\n{s.Tail()}"));
        Assert.False(cluster.Api.HasExited);
        AssertAnswered(load, cluster);
        await load.AssertNothingLostAsync(connectionString, Settle);
    }

    private static async Task<(ChaosLoad Load, CancellationTokenSource Stop, List<Task> Running)> StartLoadAsync(ChaosCluster cluster)
    {
        // A cold cluster on a busy machine may take longer than the API's 3 s grain timeout to create the first grains (503).
        string? eventId = null;
        for (var attempt = 1; eventId is null; attempt++)
        {
            try
            {
                eventId = await cluster.Http.CreatePublishedEventAsync(holdSeconds: 600, Buyers.House(Sections));
            }
            catch (Xunit.Sdk.TrueException e) when (attempt < 5 && e.Message.Contains("got 503", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (Xunit.Sdk.TrueException e)
            {
                throw new InvalidOperationException($"{e.Message}\n{cluster.Api.Tail(40)}", e);
            }
        }

        var load = new ChaosLoad(cluster.Http, eventId, Sections);
        var stop = new CancellationTokenSource();
        return (load, stop, load.Start(Customers, seed: Environment.TickCount, stop.Token));
    }

    private static async Task StopAsync(CancellationTokenSource stop, List<Task> running)
    {
        await stop.CancelAsync();
        await Task.WhenAll(running);
        stop.Dispose();
    }

    /// <summary>Every request was answered (never a 500, never silence) within <see cref="MaxWait"/>, every 503 with Retry-After.</summary>
    private static void AssertAnswered(ChaosLoad load, ChaosCluster cluster)
    {
        Assert.True(load.Worst <= MaxWait, $"A request waited {load.Worst.TotalSeconds:0.00} s: {string.Join(", ", load.Log.Where(r => r.Elapsed > MaxWait).Select(r => $"{r.What} {r.Status} {r.Elapsed.TotalSeconds:0.0}s at {r.At:HH:mm:ss.f}"))}\n{cluster.Tails()}");
        var unanswered = load.Log.Where(r => r.Status is 0 or >= 500 and not 503 and not 504).ToList();
        Assert.True(unanswered.Count == 0, $"{unanswered.Count} requests got no answer or a 5xx other than 503/504: " +
            string.Join(", ", unanswered.Select(r => $"{r.What} {r.Status} at {r.At:HH:mm:ss.f}")) + "\n" +
            ApiErrors(cluster));
        Assert.Equal(0, load.WithoutRetryAfter);
    }

    private static string ApiErrors(ChaosCluster cluster) =>
        string.Join("\n", cluster.Api.Output.Split('\n').Where(l => l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) && !l.Contains("TimeoutException", StringComparison.Ordinal)).Take(5));

    private void Report(ChaosLoad load, DateTime faultAt, string fault)
    {
        var after = load.Log.Where(r => r.At >= faultAt).ToList();
        output.WriteLine($"{fault}: {load.Requests} requests ({load.Summary()}), {load.Acknowledged} acknowledged; from the fault on: {after.Count} requests " +
            $"({load.Summary(faultAt)}), worst wait {load.Worst.TotalMilliseconds:0} ms");
    }
}

/// <summary>
/// The chaos scenarios run alone, after the other test classes: their latency bound must not measure the other
/// multi-process tests competing for the machine's cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}
