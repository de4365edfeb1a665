using System.Globalization;
using Ticketing.LoadTest;

namespace Ticketing.LiveBench;

/// <summary>The command line of the front-door benchmark: which measurement, against which API, how big.</summary>
public sealed record BenchOptions(
    string Mode,
    Uri Url,
    string SigningKey,
    string Issuer,
    string Audience,
    int ApiPid,
    int Buyers,
    int Connections,
    TimeSpan Duration,
    int Clients,
    double HoldRate,
    TimeSpan Settle)
{
    public const string Usage = """
        Ticketing.LiveBench: the front door's figures, over real HTTP against a running API.

          --mode queue|sse     queue: joins/s and position reads/s of a waiting room, memory per queued buyer
                               sse: delivery lag of live availability to many SSE clients, memory per client
          --url URL            the API (default http://localhost:8080)
          --api-pid PID        the API process on this machine, for its memory (/proc/PID/status); 0 = no memory figures
          --signing-key KEY    the API's Jwt:SigningKey (default: $Jwt__SigningKey; required)
          --issuer NAME --audience NAME   the API's Jwt:Issuer and Jwt:Audience (default ticketing, ticketing-api)
        queue:
          --buyers N           distinct customers who join the line, one join each (default 100000)
          --connections N      requests in flight (default 64)
          --duration T         how long position reads are measured, e.g. 20s (default 20s)
        sse:
          --clients N          concurrent SSE clients of one event (default 10000)
          --hold-rate R        one-seat holds per second while they listen (default 5)
          --duration T         how long holds are made (default 30s)
        both:
          --settle T           pause before a memory reading (default 3s)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }

        string Get(string name, string fallback) => values.Remove(name, out var value) ? value : fallback;
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var mode = Get("mode", "");
        var options = new BenchOptions(
            mode,
            new Uri(Get("url", "http://localhost:8080")),
            Get("signing-key", Environment.GetEnvironmentVariable("Jwt__SigningKey") ?? ""),
            Get("issuer", Environment.GetEnvironmentVariable("Jwt__Issuer") ?? "ticketing"),
            Get("audience", Environment.GetEnvironmentVariable("Jwt__Audience") ?? "ticketing-api"),
            Int("api-pid", 0),
            Int("buyers", 100_000),
            Int("connections", 64),
            DurationText.Parse(Get("duration", mode == "sse" ? "30s" : "20s")),
            Int("clients", 10_000),
            double.Parse(Get("hold-rate", "5"), CultureInfo.InvariantCulture),
            DurationText.Parse(Get("settle", "3s")));

        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        }

        if (mode is not ("queue" or "sse"))
        {
            throw new ArgumentException("--mode must be queue or sse.");
        }

        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new ArgumentException("--signing-key (or Jwt__SigningKey) is required: the API's Jwt:SigningKey, to sign the customers' tokens.");
        }

        if (options.Buyers < 1 || options.Connections < 1 || options.Clients < 1 || options.HoldRate <= 0 || options.Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("--buyers, --connections, --clients, --hold-rate and --duration must be positive.");
        }

        return options;
    }
}
