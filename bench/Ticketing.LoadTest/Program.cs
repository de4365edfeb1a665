using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ticketing.LoadTest;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler
{
    // One connection per simulated client, kept open and reused.
    MaxConnectionsPerServer = options.Connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
})
{ BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(30) };
var api = new TicketingClient(http);

// The run's own tokens, signed with the API's key: the operator (creates the event, reads it back) by default,
// and many customers for the bookings. The baseline (ping) needs none.
var tokens = string.IsNullOrEmpty(options.SigningKey)
    ? null
    : new RunTokens(new TokenMinter(options.SigningKey, options.Issuer, options.Audience), options.Subjects,
        options.Warmup + options.Duration + TimeSpan.FromMinutes(30));
if (tokens is not null)
{
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Operator);
}

// checkin: the tickets are bought first (not measured), on an event of their own.
var checkins = options.Scenario == "checkin"
    ? await CheckinTickets.PrepareAsync(http, api, tokens!, new TokenMinter(options.SigningKey!, options.Issuer, options.Audience), options.Tickets, options.Connections)
    : null;
var eventId = checkins?.EventId ?? options.EventId ?? await CreateEventAsync(http, options);
Console.WriteLine($"{options.Scenario}: {options.Connections} connections, {options.Warmup.TotalSeconds:0.#}s warm-up, " +
    $"{options.Duration.TotalSeconds:0.#}s measured, {(options.Rate > 0 ? $"open loop at {options.Rate:0} req/s" : "closed loop")}, event {eventId}");

var runner = new LoadRunner(options, api, eventId, tokens, checkins);
var result = await runner.RunAsync();
var problems = options.Scenario == "baseline" ? [] : checkins is not null ? checkins.Problems() : await InvariantCheck.RunAsync(http, eventId, result);

var h = result.Latency;
double Ms(double percentile) => h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(percentile) / 1000.0;
var row = new
{
    scenario = result.Scenario,
    connections = result.Connections,
    mode = options.Rate > 0 ? "open" : "closed",
    targetRate = options.Rate,
    durationSeconds = result.Seconds,
    requests = result.Requests,
    requestsPerSecond = Math.Round(result.Requests / result.Seconds, 1),
    holdsPerSecond = Math.Round(result.Holds / result.Seconds, 1),
    conflictsPerSecond = Math.Round(result.Conflicts / result.Seconds, 1),
    errors = result.Errors,
    rateLimited = result.RateLimited,
    p50Ms = Ms(50), p90Ms = Ms(90), p99Ms = Ms(99), p999Ms = Ms(99.9),
    maxMs = h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(100) / 1000.0,
    invariantsPassed = problems.Count == 0,
    admittedPerSecond = Math.Round(result.Admitted / result.Seconds, 1),
};

string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
Console.WriteLine();
Console.WriteLine($"  {"requests/s",12} {"holds/s",10} {"conflicts/s",12} {"errors",7} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"max ms",8}");
Console.WriteLine($"  {F(row.requestsPerSecond),12} {F(row.holdsPerSecond),10} {F(row.conflictsPerSecond),12} {row.errors,7} " +
    $"{F(row.p50Ms),8} {F(row.p90Ms),8} {F(row.p99Ms),8} {F(row.p999Ms),9} {F(row.maxMs),8}");
Console.WriteLine();
if (options.Scenario != "baseline")
{
    Console.WriteLine(checkins is not null
        ? problems.Count == 0 ? $"Invariant check passed: no ticket of {checkins.Count} was admitted twice." : "Invariant check FAILED:\n  " + string.Join("\n  ", problems)
        : problems.Count == 0
        ? "Invariant check passed: free + held + sold = capacity in every section, no seat listed twice, held and sold match the run's bookings."
        : "Invariant check FAILED:\n  " + string.Join("\n  ", problems));
}

Console.WriteLine(JsonSerializer.Serialize(row));
return problems.Count == 0 ? 0 : 1;

static async Task<string> CreateEventAsync(HttpClient http, LoadOptions options)
{
    var sections = Enumerable.Range(1, options.Sections)
        .Select(i => new { id = $"S{i}", name = $"Section {i}", rows = options.Rows, seatsPerRow = options.SeatsPerRow, price = 10m })
        .ToArray();
    // A cluster that is still settling (a silo just restarted) may answer 503 with Retry-After: try again a few times.
    HttpResponseMessage created;
    for (var attempt = 1; ; attempt++)
    {
        created = await http.PostAsJsonAsync("/api/events", new
        {
            name = "Flash sale (load test)", venue = "Benchmark Arena", startsAt = "2027-06-01T19:00:00Z", currency = "EUR", holdSeconds = 600, sections,
        });
        if (created.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
        {
            break;
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    if (created.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"Creating the event failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    var publishing = System.Diagnostics.Stopwatch.StartNew();
    var published = await http.PostAsync($"/api/events/{id}/publish", null);
    for (var attempt = 1; published.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5; attempt++)
    {
        // Publishing again is harmless: it finishes what the first attempt began.
        await Task.Delay(TimeSpan.FromSeconds(1));
        published = await http.PostAsync($"/api/events/{id}/publish", null);
    }

    if (!published.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"Publishing the event failed: {(int)published.StatusCode} {await published.Content.ReadAsStringAsync()}");
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"event {id}: {options.Sections} sections of {options.Rows} x {options.SeatsPerRow} seats published in {publishing.Elapsed.TotalSeconds:0.00} s"));
    return id;
}
