namespace Ticketing.Grains.Abstractions;

/// <summary>A registered webhook endpoint, without its secret (shown only when it is created or rotated).</summary>
[GenerateSerializer, Immutable, Alias("WebhookEndpointView")]
public sealed record WebhookEndpointView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string OwnerId,
    [property: Id(2)] string Url,
    [property: Id(3)] IReadOnlyList<string> Events,
    [property: Id(4)] DateTimeOffset CreatedAt);

[GenerateSerializer, Alias("WebhookAttemptOutcome")]
public enum WebhookAttemptOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>It did not; the delivery is tried again later.</summary>
    Failed,

    /// <summary>It did not, and the retry period is over (or the endpoint was deleted): no more attempts.</summary>
    GaveUp,
}

/// <summary>One attempt to deliver one event to one endpoint, for the endpoint's delivery log.</summary>
[GenerateSerializer, Immutable, Alias("WebhookAttempt")]
public sealed record WebhookAttempt(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string EventType,
    [property: Id(2)] int Attempt,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] int? StatusCode,
    [property: Id(5)] string? Error,
    [property: Id(6)] WebhookAttemptOutcome Outcome);

/// <summary>
/// One webhook endpoint of an organizer: reads the integration event log from its own durable cursor, keeps the
/// events it still has to deliver in its state, and hands them to the sender (which retries with backoff).
/// </summary>
[Alias("IWebhookEndpointGrain")]
public interface IWebhookEndpointGrain : IGrainWithGuidKey
{
    [Alias("Register")]
    Task<WebhookEndpointView> Register(string ownerId, string url, IReadOnlyList<string> events, string secret);

    [Alias("Get")]
    Task<WebhookEndpointView?> Get();

    [Alias("Delete")]
    Task<bool> Delete();

    [Alias("RotateSecret")]
    Task<bool> RotateSecret(string secret);

    /// <summary>The latest attempts, newest first.</summary>
    [Alias("GetDeliveries")]
    Task<IReadOnlyList<WebhookAttempt>> GetDeliveries();

    /// <summary>Delivers an event (one of the recent ones) again; false when this endpoint does not know it.</summary>
    [Alias("Redeliver")]
    Task<bool> Redeliver(Guid eventId);

    /// <summary>Reads new events from the log and starts the deliveries that are not running.</summary>
    [Alias("Poll")]
    Task Poll();

    [Alias("ReportAttempt")]
    Task ReportAttempt(WebhookAttempt attempt);

    /// <summary>The sender stopped a delivery without an outcome (an unexpected error): it is started again.</summary>
    [Alias("DeliveryStopped")]
    Task DeliveryStopped(Guid eventId);
}

/// <summary>Every webhook endpoint and its owner (key 0): the dispatchers wake them, the API lists an owner's.</summary>
[Alias("IWebhookDirectoryGrain")]
public interface IWebhookDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(Guid endpointId, string ownerId);

    [Alias("Remove")]
    Task Remove(Guid endpointId);

    /// <summary>The endpoints of <paramref name="ownerId"/>, or of everyone when it is null.</summary>
    [Alias("List")]
    Task<IReadOnlyList<Guid>> List(string? ownerId);
}
