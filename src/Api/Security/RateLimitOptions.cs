using System.ComponentModel.DataAnnotations;

namespace Ticketing.Api.Security;

/// <summary>
/// Request budgets ("RateLimits" section), each a fixed window: per customer on holds and payments, per client
/// address on anonymous reads and on token issuing. Defaults suit people, not scripts.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Hold and payment requests one customer may make per window.</summary>
    [Range(1, 1_000_000)]
    public int CustomerPermits { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CustomerWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads one anonymous client address may make per window (signed-in callers are not limited here).</summary>
    [Range(1, 1_000_000)]
    public int AnonymousReadPermits { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AnonymousReadWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Development tokens one client address may get per window.</summary>
    [Range(1, 1_000_000)]
    public int TokenPermits { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TokenWindow { get; set; } = TimeSpan.FromMinutes(1);
}
