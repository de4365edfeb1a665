using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ticketing.Hosting.Schema;
using Ticketing.Hosting.Webhooks;

namespace Ticketing.PostgresTests;

/// <summary>Webhook delivery across a silo killed with SIGKILL while events are being delivered.</summary>
public sealed class WebhookCrashTests
{
    private static readonly string[] WebhookSettings =
    [
        "--Webhooks:AllowPrivateNetworks=true",
        "--Webhooks:PollInterval=00:00:00.200",
        "--Webhooks:FirstRetryDelay=00:00:00.200",
        "--Webhooks:MaxRetryDelay=00:00:01",
    ];

    [PostgresFact]
    public async Task Every_acknowledged_payment_reaches_the_receiver_as_a_signed_booking_confirmed_across_a_kill_9()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var receiver = await Receiver.StartAsync();
        await using var silo1 = HostProcess.StartSilo("silo1", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), [.. HostProcess.FastFailureDetection, .. WebhookSettings]);
        await using var silo2 = HostProcess.StartSilo("silo2", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), [.. HostProcess.FastFailureDetection, .. WebhookSettings]);
        var httpPort = HostProcess.FreePort();
        await using var api = HostProcess.StartApi(database.ConnectionString, httpPort, 0, 0, ["--Orleans:Mode=Client", .. HostProcess.FastFailureDetection, .. WebhookSettings]);
        using var http = Http.Client(httpPort);
        await silo1.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await silo2.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
        await api.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));

        var hook = await (await http.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "booking.confirmed" } })).JsonAsync(HttpStatusCode.Created);
        var secret = hook.GetProperty("secret").GetString()!;
        var eventId = await http.CreatePublishedEventAsync(holdSeconds: 300, [new { id = "GA", name = "Standing", capacity = 1000, price = 10m }]);

        // Sales go on while silo1 dies: only payments answered 200 count as acknowledged.
        var acknowledged = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            if (i == 15)
            {
                await silo1.KillAsync();
            }

            try
            {
                // One customer per booking: the per-customer rate and purchase limits stay out of the way.
                var buyer = Http.Bearer($"buyer{i}@example.com", "customer");
                using var book = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/bookings")
                {
                    Content = JsonContent.Create(new { email = $"buyer{i}@example.com", section = "GA", quantity = 1 }),
                };
                book.Headers.Authorization = buyer;
                var booked = await http.SendAsync(book);
                if (booked.StatusCode != HttpStatusCode.Created)
                {
                    continue;
                }

                var id = (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{id}/payment") { Content = JsonContent.Create(new { paymentToken = "tok_visa" }) };
                pay.Headers.Authorization = buyer;
                var paid = await http.SendAsync(pay);
                if (paid.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add(id);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // Cut off by the crash: not acknowledged.
            }
        }

        Assert.True(acknowledged.Count >= 10, $"Only {acknowledged.Count} payments were acknowledged.\n{silo2.Tail()}");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (acknowledged.Except(receiver.ConfirmedBookings()).Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var missing = acknowledged.Except(receiver.ConfirmedBookings()).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} confirmed bookings never reached the receiver.\n{silo2.Tail()}");
        Assert.All(receiver.Requests, r => Assert.True(
            WebhookSignature.Verify(secret, r.Signature, r.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10)), "A delivery's signature does not verify."));
        // Duplicates (at least once) carry the same event id for the same booking.
        Assert.All(receiver.Requests.GroupBy(r => r.AggregateId), g => Assert.Single(g.Select(r => r.EventId).Distinct()));
    }

    private sealed record Request(string? Signature, string? EventId, string? AggregateId, byte[] Body);

    /// <summary>A real HTTP receiver on a free loopback port that records every request and answers 200.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app) => _app = app;

        public ConcurrentQueue<Request> Requests { get; } = new();

        public string Url { get; private set; } = "";

        public IEnumerable<string> ConfirmedBookings() => Requests.Select(r => r.AggregateId!).Distinct();

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hook", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                var json = JsonDocument.Parse(body.ToArray()).RootElement;
                receiver.Requests.Enqueue(new Request(context.Request.Headers["Ticketing-Signature"].ToString(),
                    context.Request.Headers["Ticketing-Event-Id"].ToString(), json.GetProperty("aggregateId").GetString(), body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
