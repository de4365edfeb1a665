using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HdrHistogram;

namespace Ticketing.LiveBench;

/// <summary>The API process's memory and CPU as Linux shows them (/proc), when its pid is known.</summary>
public sealed class ApiProcess(int pid)
{
    public bool Known => pid > 0 && File.Exists($"/proc/{pid}/status");

    /// <summary>Resident set (working set) in bytes; 0 when unknown.</summary>
    public long ResidentBytes()
    {
        if (!Known)
        {
            return 0;
        }

        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time used so far (user + system); zero when unknown.</summary>
    public TimeSpan CpuTime()
    {
        if (!Known)
        {
            return TimeSpan.Zero;
        }

        // Fields after the command name (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    public static double MiB(long bytes) => Math.Round(bytes / 1048576.0, 1);
}

/// <summary>Latencies in microseconds, shared by concurrent recorders.</summary>
public sealed class Latencies
{
    private readonly LongHistogram _histogram = new(TimeSpan.FromMinutes(5).Ticks / 10, 3);

    public void Record(long microseconds)
    {
        lock (_histogram)
        {
            _histogram.RecordValue(Math.Clamp(microseconds, 1, _histogram.HighestTrackableValue));
        }
    }

    public long Count => _histogram.TotalCount;

    public double Ms(double percentile) => _histogram.TotalCount == 0 ? 0 : Math.Round(_histogram.GetValueAtPercentile(percentile) / 1000.0, 1);
}

/// <summary>The calls both measurements share: an operator's HTTP client, and creating and publishing an event.</summary>
public static class Api
{
    public static HttpClient Client(Uri url, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };

    public static HttpRequestMessage Request(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>Creates and publishes an event of <paramref name="sections"/> sections of 20 rows of 25 seats; its id.</summary>
    public static async Task<string> CreateEventAsync(HttpClient http, string operatorToken, string name, int sections, object? waitingRoom)
    {
        var body = new Dictionary<string, object>
        {
            ["name"] = name, ["venue"] = "Benchmark Arena", ["startsAt"] = "2027-06-01T19:00:00Z", ["currency"] = "EUR", ["holdSeconds"] = 600,
            ["sections"] = Enumerable.Range(1, sections).Select(i => new { id = $"S{i}", name = $"Section {i}", rows = 20, seatsPerRow = 25, price = 10m }).ToArray(),
        };
        if (waitingRoom is not null)
        {
            body["waitingRoom"] = waitingRoom;
        }

        using var created = await http.SendAsync(Request(HttpMethod.Post, "/api/events", operatorToken, body));
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the event failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var published = await http.SendAsync(Request(HttpMethod.Post, $"/api/events/{id}/publish", operatorToken));
        if (!published.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Publishing the event failed: {(int)published.StatusCode} {await published.Content.ReadAsStringAsync()}");
        }

        return id;
    }
}
