using Ticketing.Hosting.Schema;

namespace Ticketing.PostgresTests;

/// <summary>
/// Three silo processes and the API as their Orleans client, on the failover settings the hosts ship with (no test
/// overrides of probes or timeouts), with silos that can be killed or restarted on their own ports.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    /// <summary>Provider calls short enough that a payment whose answer is lost settles within seconds.</summary>
    private static readonly string[] HostSettings =
    [
        "--Payments:Resilience:AttemptTimeout=00:00:01",
        "--Payments:Resilience:MaxRetries=1",
        "--Dashboard:Enabled=false",
    ];

    private readonly HostProcess?[] _silos;
    private readonly (int Silo, int Gateway)[] _ports;
    private readonly string _connectionString;

    private ChaosCluster(string connectionString, int silos)
    {
        _connectionString = connectionString;
        _silos = new HostProcess?[silos];
        _ports = Enumerable.Range(0, silos).Select(_ => (HostProcess.FreePort(), HostProcess.FreePort())).ToArray();
    }

    public HostProcess Api { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IReadOnlyList<HostProcess?> Silos => _silos;

    public static async Task<ChaosCluster> StartAsync(string connectionString, int silos = 3)
    {
        await SchemaMigrator.MigrateAsync(connectionString);
        var cluster = new ChaosCluster(connectionString, silos);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster._silos[i] = cluster.StartSilo(i);
            }

            foreach (var silo in cluster._silos)
            {
                await silo!.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(120));
            }

            var httpPort = HostProcess.FreePort();
            cluster.Api = HostProcess.StartApi(connectionString, httpPort, 0, 0, ["--Orleans:Mode=Client", .. HostSettings]);
            cluster.Http = Ticketing.PostgresTests.Http.Client(httpPort);
            cluster.Http.Timeout = TimeSpan.FromSeconds(120);
            await cluster.Api.WaitUntilServingAsync(cluster.Http, TimeSpan.FromSeconds(120));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no goodbye; the other silos must notice on their own.</summary>
    public Task KillAsync(int index) => _silos[index]!.KillAsync();

    /// <summary>What a rolling update does to one pod: SIGTERM, wait until the process is gone, start it again.</summary>
    public async Task RestartAsync(int index)
    {
        await _silos[index]!.StopAsync(TimeSpan.FromSeconds(90));
        Assert.True(_silos[index]!.ExitCode == 0, $"silo {index} exited with {_silos[index]!.ExitCode} on SIGTERM:\n{_silos[index]!.Tail()}");
        await _silos[index]!.DisposeAsync();
        _silos[index] = null;
        await StartAgainAsync(index);
    }

    public async Task StartAgainAsync(int index)
    {
        if (_silos[index] is { HasExited: false })
        {
            throw new InvalidOperationException($"silo {index} still runs");
        }

        _silos[index] = StartSilo(index);
        await _silos[index]!.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(120));
    }

    public string Tails() => string.Join("\n", _silos.Where(s => s is not null).Select(s => $"--- {s!.Name}\n{s.Tail(30)}")) + $"\n--- api\n{Api?.Tail(30)}";

    private HostProcess StartSilo(int index) =>
        HostProcess.StartSilo($"silo{index + 1}", _connectionString, _ports[index].Silo, _ports[index].Gateway, HostSettings);

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        foreach (var silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }
    }
}
