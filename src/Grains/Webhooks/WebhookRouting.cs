using System.Text.Json;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Webhooks;

/// <summary>Which events an endpoint receives: the types it subscribed to, and only those of its owner's events.</summary>
public static class WebhookRouting
{
    /// <summary>
    /// The ticketing event an integration event concerns: the one its row names (migration 009), or for a row recorded
    /// before rows named it, the payload's eventId.
    /// </summary>
    public static Guid? EventIdOf(IntegrationEvent e)
    {
        if (e.EventId != Guid.Empty)
        {
            return e.EventId;
        }

        using var payload = JsonDocument.Parse(e.Payload);
        return payload.RootElement.ValueKind == JsonValueKind.Object
            && payload.RootElement.TryGetProperty("eventId", out var id) && id.TryGetGuid(out var eventId)
            ? eventId
            : null;
    }

    public static bool IsSubscribed(IReadOnlyCollection<string> subscribed, string type) => subscribed.Contains(type);
}
