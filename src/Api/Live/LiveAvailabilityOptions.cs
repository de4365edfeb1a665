using System.ComponentModel.DataAnnotations;

namespace Ticketing.Api.Live;

/// <summary>The "LiveAvailability" section: how the availability streams (Server-Sent Events) pace their messages.</summary>
public sealed class LiveAvailabilityOptions
{
    public const string SectionName = "LiveAvailability";

    /// <summary>Changes are gathered for this long and sent as one message (a few messages a second per client).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:05")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A comment line this often keeps proxies from closing a quiet stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Messages kept per event for Last-Event-ID resumes; an older id gets a fresh snapshot.</summary>
    [Range(1, 100_000)]
    public int ReplayMessages { get; set; } = 512;

    /// <summary>Messages waiting for one slow client before it is dropped back to a fresh snapshot.</summary>
    [Range(1, 10_000)]
    public int ClientBuffer { get; set; } = 64;
}
