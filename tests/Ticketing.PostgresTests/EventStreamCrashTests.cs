using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ticketing.Hosting.Schema;

namespace Ticketing.PostgresTests;

/// <summary>
/// The stream provider over the event log across a silo killed with SIGKILL and started again: the sales projection
/// (a grain consumer of the event's stream) ends with every logged event of the event counted exactly once.
/// </summary>
public sealed class EventStreamCrashTests
{
    [PostgresFact]
    public async Task The_sales_projection_counts_every_logged_event_once_across_a_kill_9_and_a_restart()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var silo1 = HostProcess.StartSilo("silo1", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        await using var silo2 = HostProcess.StartSilo("silo2", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        var httpPort = HostProcess.FreePort();
        await using var api = HostProcess.StartApi(database.ConnectionString, httpPort, 0, 0, ["--Orleans:Mode=Client", .. HostProcess.FastFailureDetection]);
        using var http = Http.Client(httpPort);
        await silo1.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await silo2.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await api.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        var eventId = await http.CreatePublishedEventAsync(holdSeconds: 300, [new { id = "GA", name = "Standing", capacity = 1000, price = 10m }]);

        // Sales go on while silo1 dies (its stream queue, and perhaps the projection, move to silo2) and comes back.
        HostProcess? silo3 = null;
        for (var i = 0; i < 45; i++)
        {
            if (i == 15)
            {
                await silo1.KillAsync();
            }

            if (i == 30)
            {
                silo3 = HostProcess.StartSilo("silo3", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
            }

            try
            {
                var buyer = Http.Bearer($"buyer{i}@example.com", "customer");
                using var book = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/bookings")
                {
                    Content = JsonContent.Create(new { email = $"buyer{i}@example.com", section = "GA", quantity = 1 + i % 3 }),
                };
                book.Headers.Authorization = buyer;
                var booked = await http.SendAsync(book);
                if (booked.StatusCode != HttpStatusCode.Created)
                {
                    continue;
                }

                var id = (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{id}/payment")
                {
                    Content = JsonContent.Create(new { paymentToken = i % 5 == 0 ? "tok_declined" : "tok_visa" }),
                };
                pay.Headers.Authorization = buyer;
                await http.SendAsync(pay);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // Cut off by the crash.
            }
        }

        await using var _ = silo3;
        await silo3!.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));

        // What the log holds for this event is the truth the projection must reach, counted once each.
        var logged = await LoggedAsync(http, eventId);
        Assert.True(logged.Count(e => e.Type == "booking.confirmed") >= 10, $"Only {logged.Count} events were logged.\n{silo2.Tail()}");
        JsonElement sales = default;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync($"/api/events/{eventId}/sales");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                sales = await response.JsonAsync(HttpStatusCode.OK);
                if (sales.GetProperty("eventsCounted").GetInt64() >= logged.Count)
                {
                    break;
                }
            }

            await Task.Delay(250);
        }

        Assert.Equal(logged.Count, sales.GetProperty("eventsCounted").GetInt64());
        var bookings = sales.GetProperty("bookings");
        foreach (var (type, counter) in new[] { ("booking.held", "held"), ("booking.confirmed", "confirmed"), ("booking.failed", "failed"), ("booking.expired", "expired") })
        {
            Assert.Equal(logged.Count(e => e.Type == type), bookings.GetProperty(counter).GetInt32());
        }

        var soldSeats = logged.Where(e => e.Type == "booking.confirmed").Sum(e => e.Quantity);
        Assert.Equal(soldSeats, sales.GetProperty("seatsSold").GetInt32());
        Assert.Equal(soldSeats * 10m, sales.GetProperty("revenue").GetDecimal());
        var (_, sold) = await http.AssertInvariantAsync(eventId);
        Assert.Equal(sold, soldSeats);
    }

    private sealed record Logged(string Type, int Quantity);

    /// <summary>This event's entries of the whole feed, each once (the feed may repeat none, but ids make sure).</summary>
    private static async Task<List<Logged>> LoggedAsync(HttpClient http, string eventId)
    {
        var seen = new Dictionary<string, Logged>();
        var after = "";
        while (true)
        {
            var page = await (await http.GetAsync($"/api/feed?limit=1000&after={after}")).JsonAsync(HttpStatusCode.OK);
            var events = page.GetProperty("events");
            foreach (var e in events.EnumerateArray())
            {
                var payload = e.GetProperty("payload");
                if (payload.TryGetProperty("eventId", out var of) && of.GetString() == eventId && e.GetProperty("type").GetString()!.StartsWith("booking.", StringComparison.Ordinal))
                {
                    seen[e.GetProperty("id").GetString()!] = new Logged(e.GetProperty("type").GetString()!, payload.GetProperty("quantity").GetInt32());
                }
            }

            if (events.GetArrayLength() == 0)
            {
                return [.. seen.Values];
            }

            after = page.GetProperty("next").GetString()!;
        }
    }
}
