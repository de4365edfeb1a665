using System.ComponentModel.DataAnnotations;

namespace Ticketing.Grains.Webhooks;

/// <summary>Webhook delivery, from the "Webhooks" section.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// Whether endpoints may be in private networks (loopback, RFC 1918, link-local, unique-local, CGNAT). Off by default
    /// (a webhook must not become a way into the cluster's network); appsettings.Development.json turns it on.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How often each silo wakes the endpoints to read new events from the log.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait before the first retry; each next one doubles it (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an event is retried after it was first due, before the endpoint gives up on it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts kept in each endpoint's delivery log (and recent events it can redeliver).</summary>
    [Range(1, 10_000)]
    public int DeliveryLogSize { get; set; } = 100;
}
