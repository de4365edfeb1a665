using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

/// <summary>A webhook endpoint to register: where to POST, and which event types (see the README's table).</summary>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events);

public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt)
{
    public static WebhookResponse From(WebhookEndpointView view) => new(view.Id, view.Url, view.Events, view.CreatedAt);
}

/// <summary>A new endpoint with its signing secret: shown this once (and again only by rotating it).</summary>
public sealed record CreatedWebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string Secret);

public sealed record WebhookSecretResponse(Guid Id, string Secret);

public sealed record WebhookDeliveryResponse(Guid EventId, string EventType, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, WebhookAttemptOutcome Outcome)
{
    public static WebhookDeliveryResponse From(WebhookAttempt a) => new(a.EventId, a.EventType, a.Attempt, a.At, a.StatusCode, a.Error, a.Outcome);
}
