using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ticketing.PostgresTests;

/// <summary>A Ticketing host (API or silo) running as its own process, so that tests can kill it for real.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private HostProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static HostProcess StartApi(string connectionString, int httpPort, int siloPort, int gatewayPort, params string[] extraArgs) =>
        Start("api", Binary("Api", "Ticketing.Api.dll"), connectionString,
            ["--urls", $"http://127.0.0.1:{httpPort}", $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={gatewayPort}", .. extraArgs]);

    /// <summary>A silo; its operator endpoint (health, metrics, dashboard) listens on <see cref="HttpPort"/>.</summary>
    public static HostProcess StartSilo(string name, string connectionString, int siloPort, int gatewayPort, params string[] extraArgs)
    {
        var httpPort = FreePort();
        var silo = Start(name, Binary("Silo", "Ticketing.Silo.dll"), connectionString,
            ["--urls", $"http://127.0.0.1:{httpPort}", $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={gatewayPort}", .. extraArgs]);
        silo.HttpPort = httpPort;
        silo.SiloPort = siloPort;
        return silo;
    }

    public int HttpPort { get; private set; }

    public int SiloPort { get; private set; }

    public int ExitCode => _process.ExitCode;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Failure detection fast enough for a test: a silo killed with SIGKILL is declared dead in seconds.</summary>
    public static readonly string[] FastFailureDetection =
    [
        "--Orleans:Membership:ProbeTimeout=00:00:01",
        "--Orleans:Membership:NumMissedProbesLimit=2",
        "--Orleans:Membership:TableRefreshTimeout=00:00:02",
        "--Orleans:Messaging:ResponseTimeout=00:00:05",
    ];

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{Name} did not print '{text}' (exited: {_process.HasExited}). Output:\n{Tail()}");
            }

            await Task.Delay(100);
        }
    }

    public async Task WaitUntilServingAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/api/events")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{Name} is not serving (exited: {_process.HasExited}). Output:\n{Tail()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to flush, persist or leave the cluster.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, then waits for the process to end by itself.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public string Tail(int lines = 60) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a chaos test disposes a silo it restarts, and the cluster disposes whatever is left at the end.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await KillAsync();
        _process.Dispose();
    }


    private static HostProcess Start(string name, string dll, string connectionString, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Ticketing"] = connectionString;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Orleans.Runtime.Silo"] = "Information";
        start.Environment["Logging__LogLevel__Orleans.Hosting"] = "Information";
        var process = new Process { StartInfo = start };
        var host = new HostProcess(process, name);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The host's build output, next to this test's own (same configuration).</summary>
    private static string Binary(string project, string dll)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Ticketing.Orleans.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Ticketing.Orleans.sln not found above the test binaries."),
            "src", project, "bin", configuration, framework, dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built at {path}.");
    }
}
