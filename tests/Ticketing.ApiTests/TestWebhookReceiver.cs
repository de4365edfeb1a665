using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ticketing.ApiTests;

/// <summary>One request a test receiver got: its headers of interest and its raw body.</summary>
public sealed record ReceivedWebhook(string? Signature, string? EventId, string? EventType, byte[] Body, int AnsweredStatus);

/// <summary>
/// A real HTTP server on a free loopback port that records every webhook request; it answers 500 to the first
/// <see cref="FailFirst"/> requests of each event id, then 200.
/// </summary>
public sealed class TestWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _seen = new();

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public int FailFirst { get; set; }

    public string Url { get; }

    private TestWebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<TestWebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TestWebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var eventId = context.Request.Headers["Ticketing-Event-Id"].ToString();
            var seen = receiver!._seen.AddOrUpdate(eventId, 1, (_, n) => n + 1);
            var status = seen <= receiver.FailFirst ? 500 : 200;
            receiver.Received.Enqueue(new ReceivedWebhook(context.Request.Headers["Ticketing-Signature"].ToString(), eventId,
                context.Request.Headers["Ticketing-Event-Type"].ToString(), body.ToArray(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new TestWebhookReceiver(app, address + "/hook") { FailFirst = failFirst };
        return receiver;
    }

    /// <summary>Waits (up to a minute: the machine may be busy) until <paramref name="condition"/> holds for what was received.</summary>
    public async Task<List<ReceivedWebhook>> WaitForAsync(Func<List<ReceivedWebhook>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!condition(Received.ToList()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The receiver did not get what was expected; it got {Received.Count} requests.");
            await Task.Delay(50);
        }

        return Received.ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
