using System.ComponentModel.DataAnnotations;

namespace Ticketing.Grains.Events;

/// <summary>Which Orleans stream provider carries the integration events to grain and client consumers.</summary>
public enum EventStreamProviderKind
{
    /// <summary>
    /// Orleans persistent streams read straight from the integration event log (EventLogQueueAdapterFactory in the
    /// hosting library): each queue's reader keeps a checkpoint where the log is kept, so consumers resume after restarts.
    /// </summary>
    EventLog,

    /// <summary>
    /// Orleans memory streams, fed from the log by one relay per cluster (<see cref="EventStreamRelayGrain"/>), the way
    /// any other provider (Event Hubs, where it exists) would be swapped in. The relay resumes from its stored place
    /// in the log, but what was in the memory queues when a silo died is lost, and tokens are not log positions.
    /// </summary>
    Memory,
}

/// <summary>"Orleans:EventStreams": how integration events reach stream consumers (live availability, projections).</summary>
public sealed class EventStreamOptions
{
    public const string SectionName = "Orleans:EventStreams";

    public EventStreamProviderKind Provider { get; set; } = EventStreamProviderKind.EventLog;

    /// <summary>
    /// Queues of the log provider, spread over the silos; each queue's reader reads the whole log and keeps its own
    /// streams' events, so more queues spread delivery and multiply reads.
    /// </summary>
    [Range(1, 64)]
    public int Queues { get; set; } = 2;

    /// <summary>How often an idle queue reader (or the relay) asks the log for new rows.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>At most how often a reader saves how far it has delivered; a restart redelivers at most this much.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows a reader asks the log for at once.</summary>
    [Range(1, 10_000)]
    public int ReadBatch { get; set; } = 500;

    /// <summary>
    /// Events delivered to a consumer in one call at most (a batch observer such as the sales projection stores once
    /// per call, so a busy stream costs one write per batch, not per event).
    /// </summary>
    [Range(1, 10_000)]
    public int DeliveryBatch { get; set; } = 100;

    /// <summary>Events each queue keeps in memory for its consumers (Orleans' SimpleQueueCache).</summary>
    [Range(64, 1_000_000)]
    public int CacheSize { get; set; } = 4096;
}
