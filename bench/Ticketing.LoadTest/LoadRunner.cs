using System.Diagnostics;
using System.Net;
using HdrHistogram;

namespace Ticketing.LoadTest;

/// <summary>What one run measured.</summary>
public sealed record LoadResult(
    string Scenario,
    int Connections,
    double Seconds,
    long Requests,
    long Holds,
    long Conflicts,
    long Errors,
    long RateLimited,
    LongHistogram Latency,
    IReadOnlyCollection<string> UncertainBookings,
    long UnknownHolds,
    long Admitted = 0);

/// <summary>
/// Runs a scenario on many connections. Closed loop: each connection sends its next request as soon as the last
/// one answered (saturation). Open loop: iterations start on a fixed schedule, and latency is counted from the
/// scheduled start, so a slow server cannot hide its queueing (no coordinated omission).
/// </summary>
public sealed class LoadRunner(LoadOptions options, TicketingClient api, string eventId, RunTokens? tokens, CheckinTickets? checkins = null)
{
    private const long HighestMicroseconds = 120_000_000;

    private sealed class Worker
    {
        public readonly LongHistogram Latency = new(HighestMicroseconds, 3);
        public long Requests, Holds, Conflicts, Errors, UnknownHolds, RateLimited, Admitted;
        public readonly List<string> Uncertain = [];
        public readonly Random Random = new(Random.Shared.Next());
    }

    private long _measureFrom;
    private long _scheduleStart;
    private long _nextSlot;
    private long _holdsMade;

    public int RequestsPerIteration => options.Scenario switch
    {
        "baseline" => 1,
        "purchase" => 3,
        "fill" => 1,
        "checkin" => 1,
        _ => 2,
    };

    public async Task<LoadResult> RunAsync()
    {
        var workers = Enumerable.Range(0, options.Connections).Select(_ => new Worker()).ToArray();
        var start = Stopwatch.GetTimestamp();
        _scheduleStart = start;
        _measureFrom = start + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var end = _measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);

        await Task.WhenAll(workers.Select(w => Task.Run(() => LoopAsync(w, end))));
        // A run that --max-holds ended early measured only until then.
        var seconds = Math.Clamp(Stopwatch.GetElapsedTime(_measureFrom).TotalSeconds, 0.001, options.Duration.TotalSeconds);

        var latency = new LongHistogram(HighestMicroseconds, 3);
        foreach (var w in workers)
        {
            latency.Add(w.Latency);
        }

        return new LoadResult(options.Scenario, options.Connections, seconds,
            workers.Sum(w => w.Requests), workers.Sum(w => w.Holds), workers.Sum(w => w.Conflicts), workers.Sum(w => w.Errors), workers.Sum(w => w.RateLimited),
            latency, workers.SelectMany(w => w.Uncertain).ToList(), workers.Sum(w => w.UnknownHolds), workers.Sum(w => w.Admitted));
    }

    private async Task LoopAsync(Worker worker, long end)
    {
        var iterationTicks = options.Rate > 0 ? Stopwatch.Frequency * RequestsPerIteration / options.Rate : 0;
        while (true)
        {
            var intended = Stopwatch.GetTimestamp();
            if (options.Rate > 0)
            {
                intended = _scheduleStart + (long)(Interlocked.Increment(ref _nextSlot) * iterationTicks);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), intended);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }

            if (intended >= end || (options.MaxHolds > 0 && Interlocked.Read(ref _holdsMade) >= options.MaxHolds))
            {
                return;
            }

            await IterateAsync(worker, intended, measured: intended >= _measureFrom);
        }
    }

    private async Task IterateAsync(Worker worker, long intended, bool measured)
    {
        var queued = (long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds;
        void Record(TicketingClient.Outcome outcome, long extra = 0)
        {
            if (!measured)
            {
                return;
            }

            worker.Requests++;
            worker.Latency.RecordValue(Math.Clamp(outcome.Microseconds + extra, 1, HighestMicroseconds));
            if (outcome.Failed)
            {
                worker.Errors++;
            }

            if (outcome.Status == HttpStatusCode.TooManyRequests)
            {
                worker.RateLimited++;
            }
        }

        if (options.Scenario == "baseline")
        {
            Record(await api.PingAsync(), queued);
            return;
        }

        if (checkins is not null)
        {
            // One scan: 200 the first time a ticket comes round, 409 (entered already) after that.
            var (index, code, gate) = checkins.Next();
            var scan = await api.CheckInAsync(checkins.Staff, eventId, code, gate);
            Record(scan, queued);
            if (scan.Status == HttpStatusCode.OK)
            {
                checkins.Admitted(index);
                worker.Admitted += measured ? 1 : 0;
            }
            else if (scan.Status == HttpStatusCode.Conflict && measured)
            {
                worker.Conflicts++;
            }
            else if (scan.Status != HttpStatusCode.Conflict && measured)
            {
                worker.Errors += scan.Failed ? 0 : 1;
            }

            return;
        }

        // One customer per iteration, in turn: its hold, payment, cancellation and release.
        var customer = tokens!.NextCustomer();
        var book = options.Scenario switch
        {
            "fill" => await api.BookBestAvailableAsync(customer, eventId, $"S{worker.Random.Next(1, options.Sections + 1)}", 1),
            "best-available" or "purchase" => await api.BookBestAvailableAsync(customer, eventId, $"S{worker.Random.Next(1, options.Sections + 1)}", 2),
            "seat-pick" => await api.BookSeatsAsync(customer, eventId, RandomSeat(worker.Random)),
            _ => await api.BookSeatsAsync(customer, eventId, HotSeat(worker.Random)),
        };
        // Only the first request of an iteration waited for its slot: it carries the queueing time.
        Record(book, options.Rate > 0 ? queued : 0);
        if (book.Status == HttpStatusCode.Conflict)
        {
            if (measured)
            {
                worker.Conflicts++;
            }

            return;
        }

        if (book.Status != HttpStatusCode.Created)
        {
            if (book.Failed)
            {
                worker.UnknownHolds++;
            }

            return;
        }

        if (measured)
        {
            worker.Holds++;
        }

        Interlocked.Increment(ref _holdsMade);
        var bookingId = book.Body!.Value.GetProperty("id").GetString()!;
        if (options.Scenario == "fill")
        {
            // Kept held: the invariant check looks each one up and expects its seat held.
            worker.Uncertain.Add(bookingId);
            return;
        }

        if (options.Scenario == "purchase")
        {
            var pay = await api.PayAsync(customer, bookingId, "tok_visa");
            Record(pay);
            var cancel = await api.CancelAsync(customer, bookingId);
            Record(cancel);
            if (pay.Status != HttpStatusCode.OK || cancel.Status != HttpStatusCode.OK)
            {
                worker.Uncertain.Add(bookingId);
            }

            return;
        }

        var release = await api.ReleaseAsync(customer, bookingId);
        Record(release);
        if (release.Status != HttpStatusCode.NoContent)
        {
            worker.Uncertain.Add(bookingId);
        }
    }

    private string RandomSeat(Random random) =>
        $"S{random.Next(1, options.Sections + 1)}-{random.Next(1, options.Rows + 1)}-{random.Next(1, options.SeatsPerRow + 1)}";

    /// <summary>The same 100 seats for everybody: the first 100 seats of section S1, row by row.</summary>
    private string HotSeat(Random random)
    {
        var index = random.Next(0, Math.Min(100, options.Rows * options.SeatsPerRow));
        return $"S1-{index / options.SeatsPerRow + 1}-{index % options.SeatsPerRow + 1}";
    }
}
