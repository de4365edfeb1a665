using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ticketing.LoadTest;

namespace Ticketing.LiveBench;

/// <summary>
/// Live availability at scale: <see cref="BenchOptions.Clients"/> SSE clients of one event on one API host, then
/// one-seat holds at <see cref="BenchOptions.HoldRate"/> a second while they listen. The lag of a (hold, client) pair
/// runs from the moment the hold's 201 arrived to the moment that client read the data line naming the seat Held.
/// </summary>
public sealed class SseBench(BenchOptions options)
{
    private const int Sections = 10;
    private const int SeatsPerSection = 20 * 25;

    public async Task<IReadOnlyList<object>> RunAsync()
    {
        var api = new ApiProcess(options.ApiPid);
        var tokens = new RunTokens(new TokenMinter(options.SigningKey, options.Issuer, options.Audience), 1_000, TimeSpan.FromHours(2));
        using var http = Api.Client(options.Url, 64);
        var eventId = await Api.CreateEventAsync(http, tokens.Operator, "Live availability (front-door bench)", Sections, waitingRoom: null);
        var holds = (int)Math.Min(Math.Ceiling(options.HoldRate * options.Duration.TotalSeconds), Sections * SeatsPerSection);
        var seats = Enumerable.Range(0, holds).Select(i => $"S{(i / SeatsPerSection) + 1}-{(i % SeatsPerSection / 25) + 1}-{(i % 25) + 1}").ToArray();
        var holdIndex = seats.Select((seat, i) => (seat, i)).ToDictionary(x => x.seat, x => x.i);
        Console.Error.WriteLine($"sse: event {eventId}, {options.Clients} clients, {holds} holds at {options.HoldRate}/s");

        await Task.Delay(options.Settle);
        var before = api.ResidentBytes();

        // The clients: one connection each, on their own handler so that nothing caps the connection count.
        using var streams = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(60),
        })
        { BaseAddress = options.Url, Timeout = Timeout.InfiniteTimeSpan };
        var seen = new long[holds][];
        for (var h = 0; h < holds; h++)
        {
            seen[h] = new long[options.Clients];
        }

        using var stop = new CancellationTokenSource();
        var connected = new TaskCompletionSource[options.Clients];
        var connectLatency = new Latencies();
        long failed = 0, snapshots = 0, messages = 0;
        using var connecting = new SemaphoreSlim(200);
        var connectStarted = Stopwatch.GetTimestamp();
        var clients = Enumerable.Range(0, options.Clients).Select(c =>
        {
            connected[c] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return Task.Run(() => ListenAsync(c));
        }).ToArray();

        async Task ListenAsync(int c)
        {
            var slot = false; // holds one of the connecting slots until its snapshot arrives (or it fails)
            try
            {
                await connecting.WaitAsync(stop.Token);
                slot = true;
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{eventId}/availability/stream");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var response = await streams.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                    return;
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token), Encoding.UTF8, false, 1024);
                string? name = null;
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (line.StartsWith("event:", StringComparison.Ordinal))
                    {
                        name = line[6..].Trim();
                    }
                    else if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref messages);
                        if (name == "snapshot" && slot)
                        {
                            slot = false;
                            connecting.Release();
                            connectLatency.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                            Interlocked.Increment(ref snapshots);
                            connected[c].TrySetResult();
                        }
                        else if (name == "changes")
                        {
                            MarkHeld(line.AsSpan(5), now, c, holdIndex, seen);
                        }
                    }
                    else if (line.Length == 0)
                    {
                        name = null;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The run is over: the client hangs up.
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                if (slot)
                {
                    connecting.Release();
                }

                connected[c].TrySetResult();
            }
        }

        await Task.WhenAll(connected.Select(c => c.Task));
        var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
        var listening = Interlocked.Read(ref snapshots);
        Console.Error.WriteLine($"sse: {listening} clients listening after {connectSeconds:0.0}s, {failed} failed");
        await Task.Delay(options.Settle);
        var withClients = api.ResidentBytes();

        // Holds at a steady rate, each by the next customer; the 201's arrival time is what lag is counted from.
        var heldAt = new long[holds];
        var sentAt = new long[holds];
        var holdLatency = new Latencies();
        long holdErrors = 0;
        var cpuBefore = api.CpuTime();
        var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var holdStarted = Stopwatch.GetTimestamp();
        var holdTasks = new Task[holds];
        for (var h = 0; h < holds; h++)
        {
            var due = holdStarted + (long)(h / options.HoldRate * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            var hold = h;
            holdTasks[h] = Task.Run(async () =>
            {
                try
                {
                    var sent = Stopwatch.GetTimestamp();
                    Volatile.Write(ref sentAt[hold], sent);
                    using var response = await http.SendAsync(Api.Request(HttpMethod.Post, $"/api/events/{eventId}/bookings", tokens.NextCustomer(),
                        new { email = "live@example.com", seats = new[] { seats[hold] } }));
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var created = Stopwatch.GetTimestamp();
                        holdLatency.Record((long)((created - sent) * 1_000_000.0 / Stopwatch.Frequency));
                        Volatile.Write(ref heldAt[hold], created);
                    }
                    else
                    {
                        Interlocked.Increment(ref holdErrors);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref holdErrors);
                }
            });
        }

        await Task.WhenAll(holdTasks);
        var holdSeconds = Stopwatch.GetElapsedTime(holdStarted).TotalSeconds;
        // Time for the last changes to reach everybody: a few flush intervals, then the clients hang up.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var apiCpu = (api.CpuTime() - cpuBefore).TotalSeconds / Stopwatch.GetElapsedTime(holdStarted).TotalSeconds;
        var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore).TotalSeconds / Stopwatch.GetElapsedTime(holdStarted).TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        var lag = new Latencies();
        var lagFromRequest = new Latencies();
        // Whether the lag grows during the run: the first and the last third of the holds apart.
        var lagFirstThird = new Latencies();
        var lagLastThird = new Latencies();
        long pairs = 0, missed = 0, early = 0;
        for (var h = 0; h < holds; h++)
        {
            if (heldAt[h] == 0)
            {
                continue;
            }

            for (var c = 0; c < options.Clients; c++)
            {
                if (seen[h][c] == 0)
                {
                    missed++;
                    continue;
                }

                pairs++;
                var ticks = seen[h][c] - heldAt[h];
                if (ticks < 0)
                {
                    early++; // the change reached the client before the holder had read its own 201
                }

                var micros = (long)(Math.Max(ticks, 0) * 1_000_000.0 / Stopwatch.Frequency);
                lag.Record(micros);
                (h < holds / 3 ? lagFirstThird : h >= holds - (holds / 3) ? lagLastThird : null)?.Record(micros);
                lagFromRequest.Record((long)((seen[h][c] - sentAt[h]) * 1_000_000.0 / Stopwatch.Frequency));
            }
        }

        var listeners = (int)listening;
        return
        [
            new
            {
                measurement = "sse-lag", clients = options.Clients, listening = listeners, failedClients = failed,
                connectSeconds = Math.Round(connectSeconds, 1), connectP50Ms = connectLatency.Ms(50), connectP99Ms = connectLatency.Ms(99),
                holds, holdErrors, holdsPerSecond = Math.Round((holds - holdErrors) / holdSeconds, 1), pairs, missed, early,
                lagP50Ms = lag.Ms(50), lagP90Ms = lag.Ms(90), lagP99Ms = lag.Ms(99), lagMaxMs = lag.Ms(100),
                lagFirstThirdP50Ms = lagFirstThird.Ms(50), lagLastThirdP50Ms = lagLastThird.Ms(50),
                lagFromRequestP50Ms = lagFromRequest.Ms(50), lagFromRequestP99Ms = lagFromRequest.Ms(99),
                holdP50Ms = holdLatency.Ms(50), holdP99Ms = holdLatency.Ms(99),
                apiCpuCores = Math.Round(apiCpu, 2), clientCpuCores = Math.Round(ownCpu, 2), messages = Interlocked.Read(ref messages),
                // Every client connected, every hold made, and every client saw every held seat.
                checksPassed = listeners == options.Clients && holdErrors == 0 && missed == 0,
            },
            new
            {
                measurement = "sse-memory", clients = listeners, rssMiBBefore = ApiProcess.MiB(before), rssMiBWithClients = ApiProcess.MiB(withClients),
                bytesPerClient = before == 0 || listeners == 0 ? 0 : (withClients - before) / listeners,
            },
        ];
    }

    /// <summary>Notes the first time client <paramref name="client"/> saw each of the run's seats as Held.</summary>
    private static void MarkHeld(ReadOnlySpan<char> data, long now, int client, Dictionary<string, int> holdIndex, long[][] seen)
    {
        var bytes = Encoding.UTF8.GetBytes(data.ToString());
        var reader = new Utf8JsonReader(bytes);
        var inSeats = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1)
            {
                inSeats = reader.ValueTextEquals("seats"u8);
            }
            else if (inSeats && reader.CurrentDepth == 2)
            {
                var seat = reader.GetString()!;
                reader.Read();
                if (reader.ValueTextEquals("Held"u8) && holdIndex.TryGetValue(seat, out var hold) && seen[hold][client] == 0)
                {
                    seen[hold][client] = now;
                }
            }
        }
    }
}
