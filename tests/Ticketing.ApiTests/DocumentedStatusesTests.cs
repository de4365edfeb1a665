using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Ticketing.Api.Contracts;

namespace Ticketing.ApiTests;

/// <summary>
/// Every status an endpoint really answers is listed in its OpenAPI description: the host records each
/// (method, route, status) while every endpoint's success and error paths run, then the document is checked.
/// </summary>
public sealed class DocumentedStatusesTests(DocumentedStatusesTests.RecordingFactory factory) : IClassFixture<DocumentedStatusesTests.RecordingFactory>
{
    /// <summary>The test host, recording responses, with a payment provider that gives up quickly.</summary>
    public sealed class RecordingFactory : TicketingApiFactory
    {
        public ResponseStatusRecorder Recorder { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Payments:Resilience:AttemptTimeout", "00:00:00.250");
            builder.UseSetting("Payments:Resilience:MaxRetries", "1");
            builder.UseSetting("Payments:Resilience:RetryBaseDelay", "00:00:00.010");
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Recorder));
        }
    }

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Every_status_an_endpoint_answers_is_in_its_openapi_description()
    {
        await ExerciseEventsAsync();
        await ExerciseBookingsAsync();
        await ExercisePaymentsAsync();
        await ExerciseIntegrationEventsAsync();
        await ExerciseRefusalsAsync();
        await ExerciseQueueAsync();
        await ExerciseTicketsAsync();

        var documented = OpenApiDocument.StatusesByOperation(await OpenApiDocument.FetchAsync(_client));
        var answered = factory.Recorder.Responses
            .Where(r => r.RoutePattern.StartsWith("/api/", StringComparison.Ordinal) && r.RoutePattern != "/api/ping")
            .Select(r => (Operation: (r.Method, Path: OpenApiDocument.PathOf(r.RoutePattern)), r.StatusCode))
            .Distinct()
            .ToList();

        var undocumented = answered
            .Where(a => !documented.TryGetValue(a.Operation, out var statuses) || !statuses.Contains(a.StatusCode))
            .Select(a => $"{a.Operation.Method} {a.Operation.Path} answered {a.StatusCode}")
            .ToList();
        Assert.True(undocumented.Count == 0, "Not in the OpenAPI document: " + string.Join("; ", undocumented));

        // The other way round: every documented status was seen, except a cluster that does not answer in time
        // (503 from the exception handler), which this healthy host cannot produce, 415, which routing answers
        // before any endpoint runs (so it is recorded against no endpoint; the exercise asserts it directly), and 429,
        // which this host's raised rate limits never answer (RateLimitTests asserts it on a host with low limits).
        var unseen = documented
            .SelectMany(d => d.Value.Select(status => (Operation: d.Key, Status: status)))
            .Where(d => !answered.Contains((d.Operation, d.Status)))
            .Select(d => $"{d.Operation.Method} {d.Operation.Path} {d.Status}")
            .Order()
            .ToList();
        var onlyClusterTimeouts = documented.Keys
            .Where(o => o != ("POST", "/api/bookings/{bookingId}/payment"))
            .Select(o => $"{o.Method} {o.Path} 503")
            .Concat(documented.Where(d => d.Value.Contains(StatusCodes.Status415UnsupportedMediaType)).Select(d => $"{d.Key.Method} {d.Key.Path} 415"))
            .Concat(documented.Where(d => d.Value.Contains(StatusCodes.Status429TooManyRequests)).Select(d => $"{d.Key.Method} {d.Key.Path} 429"))
            .Order()
            .ToList();
        Assert.Equal(onlyClusterTimeouts, unseen);
    }

    private static StringContent Text(string body, string mediaType = "application/json") => new(body, Encoding.UTF8, mediaType);

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string url, HttpContent? content = null) =>
        (await _client.SendAsync(new HttpRequestMessage(method, url) { Content = content })).StatusCode;

    private async Task ExerciseEventsAsync()
    {
        var unknown = Guid.NewGuid();
        var draft = (await (await _client.PostAsJsonAsync("/api/events", Api.Event())).Content.ReadFromJsonAsync<EventResponse>(Api.Json))!;
        var onSale = await _client.CreatePublishedEventAsync();

        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Post, "/api/events", JsonContent.Create(new { name = "No layout" })));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Post, "/api/events", Text("{ not json")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await SendAsync(HttpMethod.Post, "/api/events", Text("name=x", "text/plain")));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/api/events"));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Get, "/api/events?page=0"));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Get, "/api/events?pageSize=many"));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/events/{draft.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/events/{unknown}"));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Put, $"/api/events/{draft.Id}", JsonContent.Create(Api.Event(holdSeconds: 300))));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Put, $"/api/events/{draft.Id}", JsonContent.Create(new { name = "" })));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Put, $"/api/events/{unknown}", JsonContent.Create(Api.Event())));
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Put, $"/api/events/{onSale.Id}", JsonContent.Create(Api.Event())));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await SendAsync(HttpMethod.Put, $"/api/events/{draft.Id}", Text("x", "text/plain")));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/events/{onSale.Id}/sections/A/seats"));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Get, $"/api/events/{onSale.Id}/sections/A/seats?fromRow=0"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/events/{onSale.Id}/sections/GA/seats"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/events/{unknown}/sections/A/seats"));

        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Post, $"/api/events/{draft.Id}/close"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, $"/api/events/{unknown}/close"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, $"/api/events/{unknown}/publish"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, $"/api/events/{unknown}/cancel"));

        var closing = await _client.CreatePublishedEventAsync();
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, $"/api/events/{closing.Id}/close"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, $"/api/events/{closing.Id}/cancel"));
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Post, $"/api/events/{closing.Id}/publish"));

        // More bookings than one batch: the cancellation goes on in the background.
        var big = await _client.CreatePublishedEventAsync();
        for (var i = 0; i < 20; i++)
        {
            await _client.BookOkAsync(big.Id, new { email = "c@example.com", section = "GA", quantity = 1 });
        }

        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(HttpMethod.Post, $"/api/events/{big.Id}/cancel"));
    }

    /// <summary>The feed and webhooks (issue 15).</summary>
    private async Task ExerciseIntegrationEventsAsync()
    {
        using var admin = factory.CreateClient("ada", "admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/feed?limit=5")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/feed?after=not-a-cursor")).StatusCode);

        await using var receiver = await TestWebhookReceiver.StartAsync();
        using var organizer = factory.CreateClient("olivia", "organizer");
        var unknown = Guid.NewGuid();
        var created = await organizer.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "event.published" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hook = (await created.Content.ReadFromJsonAsync<CreatedWebhookResponse>(Api.Json))!;
        Assert.Equal(HttpStatusCode.BadRequest, (await organizer.PostAsJsonAsync("/api/webhooks", new { url = "nowhere", events = new[] { "event.published" } })).StatusCode);
        for (var i = 1; i < Ticketing.Api.Endpoints.WebhooksApi.MaxEndpointsPerOwner; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await organizer.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "event.cancelled" } })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await organizer.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "event.cancelled" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await organizer.GetAsync("/api/webhooks")).StatusCode);
        await organizer.CreatePublishedEventAsync();
        var delivered = (await receiver.WaitForAsync(r => r.Count >= 1))[0];
        Assert.Equal(HttpStatusCode.OK, (await organizer.GetAsync($"/api/webhooks/{hook.Id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await organizer.GetAsync($"/api/webhooks/{unknown}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await organizer.PostAsync($"/api/webhooks/{hook.Id}/deliveries/{delivered.EventId}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await organizer.PostAsync($"/api/webhooks/{hook.Id}/deliveries/{unknown}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsync($"/api/webhooks/{hook.Id}/secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await organizer.PostAsync($"/api/webhooks/{unknown}/secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await organizer.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
    }

    /// <summary>Every operation that documents 401 and 403 answers them: without a token, and with a token of the wrong role.</summary>
    private async Task ExerciseRefusalsAsync()
    {
        using var anonymous = factory.CreateAnonymousClient();
        using var staff = factory.CreateClient("sam", "staff");
        var documented = OpenApiDocument.StatusesByOperation(await OpenApiDocument.FetchAsync(_client));
        foreach (var ((method, path), statuses) in documented)
        {
            var url = path.Replace("{webhookId}", Guid.NewGuid().ToString()).Replace("{eventId}", Guid.NewGuid().ToString()).Replace("{bookingId}", Guid.NewGuid().ToString()).Replace("{sectionId}", "A")
                .Replace("{queueTicketId}", Guid.NewGuid().ToString());
            foreach (var (status, client) in new[] { (StatusCodes.Status401Unauthorized, anonymous), (StatusCodes.Status403Forbidden, staff) })
            {
                if (statuses.Contains(status))
                {
                    var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });
                    Assert.True((int)response.StatusCode == status, $"{method} {path}: expected {status}, got {(int)response.StatusCode}");
                }
            }
        }
    }

    /// <summary>The waiting room: join, read the ticket, an event without one, and a hold refused for want of an admission token.</summary>
    private async Task ExerciseQueueAsync()
    {
        var unknown = Guid.NewGuid();
        var plain = await _client.CreatePublishedEventAsync();
        var queued = await _client.CreatePublishedEventAsync(new
        {
            name = "Queued", venue = "Arena", startsAt = "2027-03-01T19:00:00Z", currency = "EUR", waitingRoom = new { admitPerMinute = 60 },
            sections = new[] { new { id = "A", name = "Floor", rows = 1, seatsPerRow = 10, price = 10m } },
        });
        var joined = await _client.PostAsync($"/api/events/{queued.Id}/queue", null);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        var ticket = (await joined.Content.ReadFromJsonAsync<QueueTicketResponse>(Api.Json))!;
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Post, $"/api/events/{plain.Id}/queue"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, $"/api/events/{unknown}/queue"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/events/{queued.Id}/queue/{ticket.QueueTicketId}"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/events/{queued.Id}/queue/{unknown}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await _client.BookAsync(queued.Id, new { email = "q@example.com", section = "A", quantity = 1 })).StatusCode);

        // The streams: opened (200, then closed by the client) and asked for what does not exist.
        foreach (var url in new[] { $"/api/events/{queued.Id}/availability/stream", $"/api/events/{queued.Id}/queue/{ticket.QueueTicketId}/stream" })
        {
            using (var open = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, open.StatusCode);
            }

            Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, url.Replace(queued.Id.ToString(), unknown.ToString())));
        }
    }

    private async Task ExerciseTicketsAsync()
    {
        var unknown = Guid.NewGuid();
        using var admin = factory.CreateClient("ada@example.com", "admin");
        using var gate = factory.CreateClient("gate@example.com", "staff");
        var ev = await _client.CreatePublishedEventAsync();
        var paid = new List<BookingResponse>();
        for (var i = 0; i < 2; i++)
        {
            var held = await _client.BookOkAsync(ev.Id, new { email = "t@example.com", section = "GA", quantity = 2 });
            var payment = await _client.PostAsJsonAsync($"/api/bookings/{held.Id}/payment", new { paymentToken = "tok_visa" });
            paid.Add((await payment.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!);
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, $"/api/bookings/{paid[1].Id}/cancel"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/api/ticket-keys"));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, $"/api/events/{ev.Id}/staff", JsonContent.Create(new { subject = "gate@example.com" })));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Post, $"/api/events/{ev.Id}/staff", JsonContent.Create(new { subject = "" })));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, $"/api/events/{unknown}/staff", JsonContent.Create(new { subject = "x" })));

        var ticket = paid[0].Tickets[0];
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/tickets/{ticket.Id}/qr"));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Get, $"/api/tickets/{ticket.Id}/qr?format=gif"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/tickets/{unknown}/qr"));
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Get, $"/api/tickets/{paid[1].Tickets[0].Id}/qr"));

        var checkins = $"/api/events/{ev.Id}/checkins";
        Assert.Equal(HttpStatusCode.OK, (await gate.PostAsJsonAsync(checkins, new { code = ticket.Code, gate = "A" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await gate.PostAsJsonAsync(checkins, new { code = ticket.Code, gate = "B" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await gate.PostAsJsonAsync(checkins, new { code = "forged", gate = "B" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gate.PostAsJsonAsync(checkins, new { code = ticket.Code })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/events/{unknown}/checkins", new { code = ticket.Code, gate = "A" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await gate.GetAsync($"/api/events/{ev.Id}/checkin-list")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gate.GetAsync($"/api/events/{ev.Id}/checkin-list?since=-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/events/{unknown}/checkin-list")).StatusCode);

        var scan = new[] { new { code = paid[0].Tickets[1].Code, gate = "C", scannedAt = "2027-02-01T09:00:00Z", nonce = "n-1" } };
        Assert.Equal(HttpStatusCode.OK, (await gate.PostAsJsonAsync($"/api/events/{ev.Id}/checkins/batch", scan)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gate.PostAsJsonAsync($"/api/events/{ev.Id}/checkins/batch", Array.Empty<object>())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/events/{unknown}/checkins/batch", scan)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/events/{ev.Id}/checkin-conflicts"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/events/{unknown}/checkin-conflicts"));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/events/{ev.Id}/sales"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/events/{unknown}/sales"));
    }

    private async Task ExerciseBookingsAsync()
    {
        var unknown = Guid.NewGuid();
        var ev = await _client.CreatePublishedEventAsync();
        var draft = (await (await _client.PostAsJsonAsync("/api/events", Api.Event())).Content.ReadFromJsonAsync<EventResponse>(Api.Json))!;
        var seat = new { email = "s@example.com", seats = new[] { "A-1-1" } };

        Assert.Equal(HttpStatusCode.Created, (await _client.BookAsync(ev.Id, seat, idempotencyKey: "key-1")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await _client.BookAsync(ev.Id, new { email = "s@example.com", seats = new[] { "A-1-2" } }, idempotencyKey: "key-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _client.BookAsync(ev.Id, seat)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _client.BookAsync(draft.Id, seat)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.BookAsync(unknown, seat)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.BookAsync(ev.Id, new { email = "s@example.com", seats = new[] { "Z-1-1" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.BookAsync(ev.Id, new { email = "s@example.com", seats = new[] { "GA-1-1" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.BookAsync(ev.Id, new { email = "not an email", section = "GA", quantity = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await SendAsync(HttpMethod.Post, $"/api/events/{ev.Id}/bookings", Text("x", "text/plain")));

        var booking = await _client.BookOkAsync(ev.Id, new { email = "s@example.com", section = "GA", quantity = 2 });
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/bookings/{booking.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"/api/bookings/{unknown}"));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, $"/api/bookings/{booking.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Delete, $"/api/bookings/{unknown}"));
    }

    private async Task ExercisePaymentsAsync()
    {
        var unknown = Guid.NewGuid();
        var ev = await _client.CreatePublishedEventAsync();
        async Task<Guid> HeldAsync(string seat) => (await _client.BookOkAsync(ev.Id, new { email = "p@example.com", seats = new[] { seat } })).Id;
        Task<HttpStatusCode> PayAsync(Guid bookingId, string token) =>
            SendAsync(HttpMethod.Post, $"/api/bookings/{bookingId}/payment", JsonContent.Create(new { paymentToken = token }));

        var paid = await HeldAsync("A-2-1");
        Assert.Equal(HttpStatusCode.OK, await PayAsync(paid, "tok_visa"));
        Assert.Equal(HttpStatusCode.PaymentRequired, await PayAsync(await HeldAsync("A-2-2"), "tok_declined"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await PayAsync(await HeldAsync("A-2-3"), "tok_unavailable"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, await PayAsync(await HeldAsync("A-2-4"), "tok_timeout"));
        Assert.Equal(HttpStatusCode.BadRequest, await PayAsync(await HeldAsync("A-2-5"), ""));
        Assert.Equal(HttpStatusCode.NotFound, await PayAsync(unknown, "tok_visa"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await SendAsync(HttpMethod.Post, $"/api/bookings/{paid}/payment", Text("x", "text/plain")));

        var released = await HeldAsync("A-2-6");
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, $"/api/bookings/{released}"));
        Assert.Equal(HttpStatusCode.Conflict, await PayAsync(released, "tok_visa"));

        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Delete, $"/api/bookings/{paid}"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, $"/api/bookings/{paid}/cancel"));
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Post, $"/api/bookings/{released}/cancel"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Post, $"/api/bookings/{unknown}/cancel"));
    }
}
