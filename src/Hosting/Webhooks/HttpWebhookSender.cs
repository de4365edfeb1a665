using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Webhooks;

namespace Ticketing.Hosting.Webhooks;

/// <summary>
/// Delivers a webhook as a JSON POST of the event (id, type, occurredAt, aggregateId, sequence, payload), signed
/// (<see cref="WebhookSignature"/>) anew for every attempt, through a Polly retry pipeline: exponential backoff with
/// jitter from <see cref="WebhookOptions.FirstRetryDelay"/> up to <see cref="WebhookOptions.MaxRetryDelay"/>, until
/// the delivery's deadline. Any 2xx is a delivery; anything else, a timeout or a network error is retried. Unless
/// private networks are allowed, the connection itself is refused when the name resolves to a private address then
/// (a name that was public at registration may not point inside later).
/// </summary>
public sealed class HttpWebhookSender : IWebhookSender, IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;

    public HttpWebhookSender(IOptions<WebhookOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };
        if (!_options.AllowPrivateNetworks)
        {
            handler.ConnectCallback = ConnectToPublicAsync;
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => _http.Dispose();

    public async Task DeliverAsync(WebhookDelivery delivery, Func<WebhookAttempt, Task> report, CancellationToken cancellationToken)
    {
        var body = Body(delivery.Event);
        var attempt = delivery.AttemptsBefore;
        var remaining = delivery.Deadline - _clock.GetUtcNow();
        using var deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _clock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<WebhookRefusedException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.FirstRetryDelay,
                MaxDelay = _options.MaxRetryDelay,
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(async token =>
            {
                attempt++;
                var (status, error) = await SendOnceAsync(delivery, body, token);
                var delivered = status is >= 200 and < 300;
                await report(new WebhookAttempt(delivery.Event.Id, delivery.Event.Type, attempt, _clock.GetUtcNow(), status, error,
                    delivered ? WebhookAttemptOutcome.Delivered : WebhookAttemptOutcome.Failed));
                if (!delivered)
                {
                    throw new WebhookRefusedException();
                }
            }, stop.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await report(new WebhookAttempt(delivery.Event.Id, delivery.Event.Type, attempt, _clock.GetUtcNow(), null,
                $"No 2xx answer within {_options.RetryFor}: given up.", WebhookAttemptOutcome.GaveUp));
        }
    }

    private async Task<(int? Status, string? Error)> SendOnceAsync(WebhookDelivery delivery, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(delivery.Secret, _clock.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.Add(WebhookSignature.EventIdHeader, delivery.Event.Id.ToString());
        request.Headers.Add(WebhookSignature.EventTypeHeader, delivery.Event.Type);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, response.IsSuccessStatusCode ? null : $"The receiver answered {(int)response.StatusCode}.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"No answer within {_options.AttemptTimeout}.");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>The request body: the event as the feed shows it, its payload as JSON.</summary>
    public static byte[] Body(IntegrationEvent e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", e.Id);
            json.WriteString("type", e.Type);
            json.WriteString("occurredAt", e.OccurredAt.ToUniversalTime());
            json.WriteString("aggregateId", e.AggregateId);
            json.WriteNumber("sequence", e.Sequence);
            json.WritePropertyName("payload");
            json.WriteRawValue(e.Payload);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async ValueTask<Stream> ConnectToPublicAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = addresses.Where(a => !PrivateNetworks.IsPrivate(a)).ToArray();
        if (allowed.Length == 0 || allowed.Length != addresses.Length)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to a private address; Webhooks:AllowPrivateNetworks is false.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class WebhookRefusedException() : Exception("The receiver did not accept the delivery.");
}
