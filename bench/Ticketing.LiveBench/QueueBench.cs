using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ticketing.LoadTest;

namespace Ticketing.LiveBench;

/// <summary>
/// The waiting room at scale: <see cref="BenchOptions.Buyers"/> distinct customers join one event's line (one join each,
/// so the per-customer write limit never bites), then position reads of random tickets by their owners for
/// <see cref="BenchOptions.Duration"/>. The line admits one buyer a minute, so nearly everybody stays Waiting.
/// </summary>
public sealed class QueueBench(BenchOptions options)
{
    /// <summary>A sample of buyers who join a second time: they must get the same ticket back.</summary>
    private const int RejoinSample = 100;

    public async Task<IReadOnlyList<object>> RunAsync()
    {
        var api = new ApiProcess(options.ApiPid);
        using var http = Api.Client(options.Url, options.Connections);
        var tokens = new RunTokens(new TokenMinter(options.SigningKey, options.Issuer, options.Audience), options.Buyers, TimeSpan.FromHours(2));
        // RunTokens hands its customers out in turn: taking each once gives every buyer its own subject.
        var buyers = Enumerable.Range(0, options.Buyers).Select(_ => tokens.NextCustomer()).ToArray();
        var eventId = await Api.CreateEventAsync(http, tokens.Operator, "Waiting room (front-door bench)", 1,
            new { admitPerMinute = 1, shoppingWindowSeconds = 600 });
        Console.Error.WriteLine($"queue: event {eventId}, {options.Buyers} buyers, {options.Connections} connections");

        await Task.Delay(options.Settle);
        var before = api.ResidentBytes();

        // Joins.
        var tickets = new string?[buyers.Length];
        var joinLatency = new Latencies();
        long next = -1, errors = 0, rateLimited = 0;
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = api.CpuTime();
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < buyers.Length; i = Interlocked.Increment(ref next))
            {
                var (status, body, micros) = await SendAsync(http, Api.Request(HttpMethod.Post, $"/api/events/{eventId}/queue", buyers[i]));
                joinLatency.Record(micros);
                if (status == HttpStatusCode.OK && body is { } ticket)
                {
                    tickets[i] = ticket.GetProperty("queueTicketId").GetString();
                }
                else if (status == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref rateLimited);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        var joinSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var joinCpu = (api.CpuTime() - cpuBefore).TotalSeconds;
        var joined = tickets.Count(t => t is not null);
        var distinct = tickets.Where(t => t is not null).Distinct().Count();

        await Task.Delay(options.Settle);
        var after = api.ResidentBytes();

        // Joining again returns the same place.
        var rejoinSame = 0;
        for (var i = 0; i < Math.Min(RejoinSample, buyers.Length); i++)
        {
            var (status, body, _) = await SendAsync(http, Api.Request(HttpMethod.Post, $"/api/events/{eventId}/queue", buyers[i]));
            if (status == HttpStatusCode.OK && body?.GetProperty("queueTicketId").GetString() == tickets[i] && tickets[i] is not null)
            {
                rejoinSame++;
            }
        }

        // Position reads: random tickets, each read by its own customer.
        var readLatency = new Latencies();
        long reads = 0, readErrors = 0, waiting = 0, admitted = 0, wrongTicket = 0, maxPosition = 0;
        var joinedIndexes = Enumerable.Range(0, buyers.Length).Where(i => tickets[i] is not null).ToArray();
        cpuBefore = api.CpuTime();
        started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        if (joinedIndexes.Length > 0)
        {
            await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(worker => Task.Run(async () =>
            {
                var random = new Random(worker);
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var i = joinedIndexes[random.Next(joinedIndexes.Length)];
                    var (status, body, micros) = await SendAsync(http, Api.Request(HttpMethod.Get, $"/api/events/{eventId}/queue/{tickets[i]}", buyers[i]));
                    readLatency.Record(micros);
                    Interlocked.Increment(ref reads);
                    if (status != HttpStatusCode.OK || body is not { } ticket)
                    {
                        Interlocked.Increment(ref readErrors);
                        continue;
                    }

                    if (ticket.GetProperty("queueTicketId").GetString() != tickets[i])
                    {
                        Interlocked.Increment(ref wrongTicket);
                    }

                    switch (ticket.GetProperty("status").GetString())
                    {
                        case "Waiting":
                            Interlocked.Increment(ref waiting);
                            var position = ticket.TryGetProperty("position", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : 0;
                            long seen;
                            while (position > (seen = Interlocked.Read(ref maxPosition)) && Interlocked.CompareExchange(ref maxPosition, position, seen) != seen)
                            {
                            }

                            break;
                        case "Admitted":
                            Interlocked.Increment(ref admitted);
                            break;
                    }
                }
            })));
        }

        var readSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var readCpu = (api.CpuTime() - cpuBefore).TotalSeconds;

        return
        [
            new
            {
                measurement = "queue-joins", buyers = options.Buyers, connections = options.Connections, joined, distinctTickets = distinct,
                errors, rateLimited, durationSeconds = Math.Round(joinSeconds, 1), joinsPerSecond = Math.Round(joined / joinSeconds, 1),
                p50Ms = joinLatency.Ms(50), p90Ms = joinLatency.Ms(90), p99Ms = joinLatency.Ms(99), maxMs = joinLatency.Ms(100),
                apiCpuCores = Math.Round(joinCpu / joinSeconds, 2), rejoinChecked = Math.Min(RejoinSample, buyers.Length), rejoinSame,
                // Every buyer in line with a ticket of their own, and joining again gives the same one back.
                checksPassed = joined == options.Buyers && distinct == joined && rejoinSame == Math.Min(RejoinSample, buyers.Length),
            },
            new
            {
                measurement = "queue-position-reads", queued = joined, connections = options.Connections, reads, errors = readErrors,
                wrongTicket, waiting, admitted, maxPosition, durationSeconds = Math.Round(readSeconds, 1),
                readsPerSecond = Math.Round(reads / readSeconds, 1),
                p50Ms = readLatency.Ms(50), p90Ms = readLatency.Ms(90), p99Ms = readLatency.Ms(99), maxMs = readLatency.Ms(100),
                apiCpuCores = Math.Round(readCpu / readSeconds, 2),
                // Every read answered, with the ticket asked for.
                checksPassed = readErrors == 0 && wrongTicket == 0 && reads > 0,
            },
            new
            {
                measurement = "queue-memory", queued = joined, rssMiBBefore = ApiProcess.MiB(before), rssMiBAfter = ApiProcess.MiB(after),
                bytesPerQueuedBuyer = before == 0 || joined == 0 ? 0 : (after - before) / joined,
            },
        ];
    }

    private static async Task<(HttpStatusCode Status, JsonElement? Body, long Microseconds)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using (request)
            using (var response = await http.SendAsync(request))
            {
                JsonElement? body = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
                if (body is null)
                {
                    await response.Content.LoadIntoBufferAsync();
                }

                return (response.StatusCode, body, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (0, null, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
    }
}
