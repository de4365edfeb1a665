using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Webhooks;

/// <summary>One event to deliver to one endpoint, until <see cref="Deadline"/>.</summary>
public sealed record WebhookDelivery(Guid EndpointId, string Url, string Secret, IntegrationEvent Event, DateTimeOffset Deadline, int AttemptsBefore);

/// <summary>
/// Sends signed webhook requests (wired in the host: HTTP with a retry pipeline). Runs outside the grain: it reports
/// every attempt through <paramref name="report"/> and ends with a Delivered or GaveUp attempt, or when cancelled.
/// </summary>
public interface IWebhookSender
{
    Task DeliverAsync(WebhookDelivery delivery, Func<WebhookAttempt, Task> report, CancellationToken cancellationToken);
}
