using System.Globalization;

namespace Ticketing.LoadTest;

public sealed record LoadOptions(
    Uri Url,
    string Scenario,
    int Connections,
    TimeSpan Duration,
    TimeSpan Warmup,
    double Rate,
    string? EventId,
    int Sections,
    int Rows,
    int SeatsPerRow,
    long MaxHolds,
    string? SigningKey = null,
    string Issuer = "ticketing",
    string Audience = "ticketing-api",
    int Subjects = 10_000,
    int Tickets = 50_000)
{
    /// <summary>The API's own setting, so that a shell that starts both exports it once.</summary>
    public const string SigningKeyVariable = "Jwt__SigningKey";

    public static readonly string[] Scenarios = ["best-available", "seat-pick", "hot-seats", "purchase", "baseline", "fill", "checkin"];

    public const string Usage = """
        Ticketing.LoadTest: drives the Ticketing REST API and checks the seat invariants afterwards.

          --url URL            the API (default http://localhost:8080)
          --scenario NAME      best-available | seat-pick | hot-seats | purchase | baseline | fill | checkin (default best-available)
                               fill: one best-available seat per booking, kept held (for memory figures)
                               checkin: buys --tickets tickets first (not measured), then scans them at the gates
          --tickets N          checkin: tickets bought before the run, each scanned once (default 50000)
          --connections N      concurrent connections, one request in flight each (default 64)
          --duration T         measured time, e.g. 20s, 1m (default 20s)
          --warmup T           unmeasured time before it (default 5s)
          --rate R             open loop at R requests/s (latency from the intended start); 0 = closed loop (default 0)
          --event ID           use this event (on sale) instead of creating one
          --sections N --rows N --seats-per-row N   the event it creates (default 200 sections of 20 x 25)
          --max-holds N        stop once N holds (warm-up included) were made; 0 = no limit (default 0)
          --signing-key KEY    the API's Jwt:SigningKey, to sign its own tokens (default: $Jwt__SigningKey; required)
          --issuer NAME --audience NAME   the API's Jwt:Issuer and Jwt:Audience (default ticketing, ticketing-api)
          --subjects N         customers the requests are spread over, in turn (default 10000), so that the API's
                               per-customer rate limits and purchase limits stay on; raise it if rateLimited > 0
        """;

    public static LoadOptions Parse(string[] args)
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

        var options = new LoadOptions(
            new Uri(Get("url", "http://localhost:8080")),
            Get("scenario", "best-available"),
            int.Parse(Get("connections", "64"), CultureInfo.InvariantCulture),
            DurationText.Parse(Get("duration", "20s")),
            DurationText.Parse(Get("warmup", "5s")),
            double.Parse(Get("rate", "0"), CultureInfo.InvariantCulture),
            values.Remove("event", out var eventId) ? eventId : null,
            int.Parse(Get("sections", "200"), CultureInfo.InvariantCulture),
            int.Parse(Get("rows", "20"), CultureInfo.InvariantCulture),
            int.Parse(Get("seats-per-row", "25"), CultureInfo.InvariantCulture),
            long.Parse(Get("max-holds", "0"), CultureInfo.InvariantCulture),
            values.Remove("signing-key", out var key) ? key : Environment.GetEnvironmentVariable(SigningKeyVariable),
            Get("issuer", Environment.GetEnvironmentVariable("Jwt__Issuer") ?? "ticketing"),
            Get("audience", Environment.GetEnvironmentVariable("Jwt__Audience") ?? "ticketing-api"),
            int.Parse(Get("subjects", "10000"), CultureInfo.InvariantCulture),
            int.Parse(Get("tickets", "50000"), CultureInfo.InvariantCulture));

        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        }

        if (!Scenarios.Contains(options.Scenario))
        {
            throw new ArgumentException($"Unknown scenario '{options.Scenario}': use {string.Join(", ", Scenarios)}.");
        }

        if (options.Connections < 1 || options.Duration <= TimeSpan.Zero || options.Rate < 0 || options.MaxHolds < 0)
        {
            throw new ArgumentException("--connections and --duration must be positive, --rate and --max-holds not negative.");
        }

        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new ArgumentException($"--signing-key (or {SigningKeyVariable}) is required: the API's Jwt:SigningKey, to sign the customers' tokens.");
        }

        if (options.Tickets < 1)
        {
            throw new ArgumentException("--tickets must be positive.");
        }

        if (options.Subjects < 1)
        {
            throw new ArgumentException("--subjects must be positive.");
        }

        return options;
    }
}
