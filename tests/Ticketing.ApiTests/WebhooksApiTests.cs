using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;
using Ticketing.Hosting.Webhooks;

namespace Ticketing.ApiTests;

/// <summary>Webhooks end to end: the real API host, its silo's dispatcher, and a real HTTP receiver.</summary>
public sealed class WebhooksApiTests(WebhooksApiTests.WebhookFactory factory) : IClassFixture<WebhooksApiTests.WebhookFactory>
{
    /// <summary>Quick polling and retries, so a receiver that fails a few times is served again within a second.</summary>
    public sealed class WebhookFactory : TicketingApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Webhooks:PollInterval", "00:00:00.100");
            builder.UseSetting("Webhooks:FirstRetryDelay", "00:00:00.020");
            builder.UseSetting("Webhooks:MaxRetryDelay", "00:00:00.200");
        }
    }

    private readonly HttpClient _organizer = factory.CreateClient("olga@example.com", "organizer", "customer");
    private readonly HttpClient _otherOrganizer = factory.CreateClient("oscar@example.com", "organizer", "customer");

    private static async Task<CreatedWebhookResponse> RegisterAsync(HttpClient client, string url, params string[] events)
    {
        var response = await client.PostAsJsonAsync("/api/webhooks", new { url, events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedWebhookResponse>(Api.Json))!;
    }

    private static async Task<BookingResponse> BuyAsync(HttpClient client, Guid eventId, string email)
    {
        var held = await client.BookOkAsync(eventId, new { email, section = "GA", quantity = 2 });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/bookings/{held.Id}/payment", new { paymentToken = "tok_visa" })).StatusCode);
        return held;
    }

    private static void AssertSigned(ReceivedWebhook request, string secret)
    {
        Assert.True(WebhookSignature.Verify(secret, request.Signature, request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), request.Signature);
        Assert.False(WebhookSignature.Verify(secret + "x", request.Signature, request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_payment_reaches_the_organizers_receiver_as_a_signed_booking_confirmed_and_no_one_elses()
    {
        await using var receiver = await TestWebhookReceiver.StartAsync();
        await using var otherReceiver = await TestWebhookReceiver.StartAsync();
        var hook = await RegisterAsync(_organizer, receiver.Url, IntegrationEventTypes.BookingConfirmed);
        var otherHook = await RegisterAsync(_otherOrganizer, otherReceiver.Url, IntegrationEventTypes.BookingConfirmed);
        var ev = await _organizer.CreatePublishedEventAsync();
        var booking = await BuyAsync(_organizer, ev.Id, "buyer@example.com");

        var received = await receiver.WaitForAsync(r => r.Count >= 1);
        var request = Assert.Single(received);
        AssertSigned(request, hook.Secret);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal((IntegrationEventTypes.BookingConfirmed, booking.Id.ToString(), 2L), (body.GetProperty("type").GetString(), body.GetProperty("aggregateId").GetString(), body.GetProperty("sequence").GetInt64()));
        Assert.Equal(request.EventId, body.GetProperty("id").GetString());
        Assert.Equal(IntegrationEventTypes.BookingConfirmed, request.EventType);
        Assert.Equal(2, body.GetProperty("payload").GetProperty("tickets").GetArrayLength());

        // The other organizer's endpoint gets its own sale, and never the first one: it reads the log in order.
        var otherEvent = await _otherOrganizer.CreatePublishedEventAsync();
        var otherBooking = await BuyAsync(_otherOrganizer, otherEvent.Id, "other@example.com");
        var otherReceived = await otherReceiver.WaitForAsync(r => r.Count >= 1);
        var only = JsonDocument.Parse(Assert.Single(otherReceived).Body).RootElement;
        Assert.Equal(otherBooking.Id.ToString(), only.GetProperty("aggregateId").GetString());
        AssertSigned(otherReceived[0], otherHook.Secret);

        var deliveries = await _organizer.GetAsync<List<WebhookDeliveryResponse>>($"/api/webhooks/{hook.Id}/deliveries");
        var delivered = Assert.Single(deliveries);
        Assert.Equal((Guid.Parse(request.EventId!), 1, 200, WebhookAttemptOutcome.Delivered), (delivered.EventId, delivered.Attempt, delivered.StatusCode, delivered.Outcome));
    }

    [Fact]
    public async Task A_receiver_that_fails_five_times_then_succeeds_gets_the_event_with_the_same_id_every_time()
    {
        await using var receiver = await TestWebhookReceiver.StartAsync(failFirst: 5);
        var hook = await RegisterAsync(_organizer, receiver.Url, IntegrationEventTypes.EventPublished);
        var ev = await _organizer.CreatePublishedEventAsync();

        var received = await receiver.WaitForAsync(r => r.Any(x => x.AnsweredStatus == 200));
        Assert.Equal(6, received.Count);
        Assert.Equal([500, 500, 500, 500, 500, 200], received.Select(r => r.AnsweredStatus));
        Assert.Single(received.Select(r => r.EventId).Distinct());
        Assert.All(received, r => AssertSigned(r, hook.Secret));
        Assert.Equal(ev.Id.ToString(), JsonDocument.Parse(received[0].Body).RootElement.GetProperty("aggregateId").GetString());

        var deliveries = await _organizer.GetAsync<List<WebhookDeliveryResponse>>($"/api/webhooks/{hook.Id}/deliveries");
        Assert.Equal([6, 5, 4, 3, 2, 1], deliveries.Select(d => d.Attempt));
        Assert.Equal(WebhookAttemptOutcome.Delivered, deliveries[0].Outcome);
        Assert.All(deliveries.Skip(1), d => Assert.Equal((WebhookAttemptOutcome.Failed, 500), (d.Outcome, d.StatusCode!.Value)));
    }

    [Fact]
    public async Task An_endpoint_is_listed_rotated_redelivered_and_deleted_by_its_owner_only()
    {
        await using var receiver = await TestWebhookReceiver.StartAsync();
        var hook = await RegisterAsync(_organizer, receiver.Url, IntegrationEventTypes.EventPublished, IntegrationEventTypes.EventCancelled);
        Assert.Contains((await _organizer.GetAsync<List<WebhookResponse>>("/api/webhooks")), w => w.Id == hook.Id);
        Assert.DoesNotContain((await _otherOrganizer.GetAsync<List<WebhookResponse>>("/api/webhooks")), w => w.Id == hook.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await _otherOrganizer.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _otherOrganizer.GetAsync($"/api/webhooks/{hook.Id}/deliveries")).StatusCode);

        await _organizer.CreatePublishedEventAsync();
        var first = Assert.Single(await receiver.WaitForAsync(r => r.Count >= 1));

        var rotated = await (await _organizer.PostAsync($"/api/webhooks/{hook.Id}/secret", null)).Content.ReadFromJsonAsync<WebhookSecretResponse>(Api.Json);
        Assert.NotEqual(hook.Secret, rotated!.Secret);
        Assert.Equal(HttpStatusCode.Accepted, (await _organizer.PostAsync($"/api/webhooks/{hook.Id}/deliveries/{first.EventId}/redeliver", null)).StatusCode);
        var again = (await receiver.WaitForAsync(r => r.Count >= 2))[1];
        Assert.Equal(first.EventId, again.EventId);
        Assert.Equal(first.Body, again.Body);
        AssertSigned(again, rotated.Secret);
        Assert.Equal(HttpStatusCode.NotFound, (await _organizer.PostAsync($"/api/webhooks/{hook.Id}/deliveries/{Guid.NewGuid()}/redeliver", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _organizer.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
        Assert.DoesNotContain((await _organizer.GetAsync<List<WebhookResponse>>("/api/webhooks")), w => w.Id == hook.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await _organizer.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"url":"ftp://example.com/x","events":["booking.confirmed"]}""", "url")]
    [InlineData("""{"events":["booking.confirmed"]}""", "url")]
    [InlineData("""{"url":"https://example.com/x","events":[]}""", "events")]
    [InlineData("""{"url":"https://example.com/x","events":["booking.paid"]}""", "events")]
    public async Task A_bad_registration_is_a_400_naming_the_field(string body, string field)
    {
        var response = await _organizer.PostAsync("/api/webhooks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
