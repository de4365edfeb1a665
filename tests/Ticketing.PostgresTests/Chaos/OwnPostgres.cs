using System.Diagnostics;
using Npgsql;

namespace Ticketing.PostgresTests;

/// <summary>
/// A PostgreSQL server of the test's own (initdb + pg_ctl from /usr/lib/postgresql/*/bin on a free port in a temporary
/// directory, as the postgres user when the tests run as root), so that a test may stop and start it without touching
/// the server the other tests share.
/// </summary>
internal sealed class OwnPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;

    private OwnPostgres(string bin, string directory, int port)
    {
        (_bin, _directory, Port) = (bin, directory, port);
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Password = "postgres", Database = database }.ConnectionString;

    public static async Task<OwnPostgres> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (Debian's postgresql package).");
        }

        var directory = Path.Combine(Path.GetTempPath(), $"ticketing-chaos-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var server = new OwnPostgres(bin, directory, HostProcess.FreePort());
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), $"{Path.GetFileName(directory)}.pw"), "postgres\n");
        var passwordFile = Path.Combine(Path.GetTempPath(), $"{Path.GetFileName(directory)}.pw");
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["postgres:postgres", passwordFile]);
        }

        await server.PgAsync("initdb", ["-D", Path.Combine(directory, "data"), "-U", "postgres", "--pwfile", passwordFile, "-A", "scram-sha-256", "--no-sync"]);
        await server.StartServerAsync();
        return server;
    }

    /// <summary>Stops the server at once (fast shutdown: connections are cut, as when a database fails over).</summary>
    public Task StopAsync() => PgAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "fast", "-w", "stop"]);

    public Task StartServerAsync() => PgAsync("pg_ctl",
        ["-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "server.log"), "-w", "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await PgAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
        File.Delete(Path.Combine(Path.GetTempPath(), $"{Path.GetFileName(_directory)}.pw"));
    }

    private Task PgAsync(string tool, string[] args) => Environment.UserName == "root"
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
        : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
