using System.ComponentModel.DataAnnotations;
using System.Net;
using Ticketing.Hosting.Operations;

namespace Ticketing.Hosting.Options;

/// <summary>Settings of the silo and of the API's Orleans client, bound from the "Orleans" configuration section.</summary>
public sealed class TicketingSiloOptions : IValidatableObject
{
    public const string SectionName = "Orleans";

    public const string ConnectionStringName = "Ticketing";

    /// <summary>The ADO.NET invariant name of the PostgreSQL provider (Npgsql).</summary>
    public const string PostgresInvariant = "Npgsql";

    [Required]
    public string ClusterId { get; set; } = "ticketing";

    [Required]
    public string ServiceId { get; set; } = "ticketing";

    // 0 is allowed: a client ignores both ports, and to Orleans a gateway port of 0 means no gateway.
    [Range(0, 65535)]
    public int SiloPort { get; set; } = DeploymentContract.SiloPort;

    [Range(0, 65535)]
    public int GatewayPort { get; set; } = DeploymentContract.GatewayPort;

    /// <summary>The address other silos and clients use to reach this silo (a multi-silo cluster on PostgreSQL).</summary>
    [Required]
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>How the API reaches the grains: a silo in its own process (Embedded) or a cluster it joins as a client.</summary>
    [EnumDataType(typeof(ApiHostingMode))]
    public ApiHostingMode Mode { get; set; } = ApiHostingMode.Embedded;

    /// <summary>Which provider keeps grain state on PostgreSQL: the project's group commit, or Orleans' ADO.NET provider.</summary>
    [EnumDataType(typeof(GrainStorageKind))]
    public GrainStorageKind GrainStorage { get; set; } = GrainStorageKind.GroupCommit;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(AdvertisedIPAddress) && !IPAddress.TryParse(AdvertisedIPAddress, out _))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AdvertisedIPAddress)} must be an IP address, not '{AdvertisedIPAddress}'.", [nameof(AdvertisedIPAddress)]);
        }

        // One process listens on both: the same port twice fails later with a bind error that names neither setting.
        if (SiloPort == GatewayPort && SiloPort != 0)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SiloPort)} and {SectionName}:{nameof(GatewayPort)} must differ (both are {SiloPort}).", [nameof(SiloPort), nameof(GatewayPort)]);
        }
    }
}

public enum ApiHostingMode
{
    Embedded,
    Client,
}

public enum GrainStorageKind
{
    /// <summary>Writes of many grains share one transaction (<see cref="Storage.PostgresGroupCommitGrainStorage"/>).</summary>
    GroupCommit,

    /// <summary>Orleans' ADO.NET provider: one transaction per grain write.</summary>
    AdoNet,
}

/// <summary>
/// How fast a multi-silo cluster notices a dead silo and how long a caller waits for a grain, bound from
/// "Orleans:Failover". The defaults detect a killed silo in about 2–3 s (ProbeTimeout × MissedProbesLimit, then the
/// votes) and answer the API's caller within <see cref="ClientResponseTimeout"/>, so that no HTTP request waits past
/// 5 s for a silo that is gone. "Orleans:Membership:*" and "Orleans:Messaging:*" still override Orleans' own options.
/// </summary>
public sealed class FailoverOptions
{
    public const string SectionName = "Orleans:Failover";

    /// <summary>Initial timeout of one liveness probe (ClusterMembershipOptions.ProbeTimeout; Orleans adapts it between half and four times this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes after which a silo is suspected (ClusterMembershipOptions.NumMissedProbesLimit).</summary>
    [Range(1, 10)]
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>Suspicions needed to declare a silo dead (ClusterMembershipOptions.NumVotesForDeathDeclaration).</summary>
    [Range(1, 10)]
    public int VotesForDeath { get; set; } = 2;

    /// <summary>How often each silo rereads the membership table, besides gossip (ClusterMembershipOptions.TableRefreshTimeout).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TableRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the API, as an Orleans client, waits for a grain's answer (ClientMessagingOptions.ResponseTimeout);
    /// past it the request is answered 503 with Retry-After. A request that went to a silo that died gets no answer
    /// at all, so this bounds what a caller waits during failover (Orleans checks once a second: at most this + 1 s).
    /// The organizer's commands that fan out to every block (create, update, publish, close, cancel) carry their own
    /// 30 s ([ResponseTimeout] on IEventGrain). A payment is bounded by this too: when its provider takes longer
    /// (retries, timeouts) the caller gets 503 while the booking settles on its own.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan ClientResponseTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With the distributed directory: how long the grains of a silo that was declared dead (not one that left) may not
    /// be activated elsewhere (GrainDirectoryOptions.RangeLeaseDuration, counted from the estimated moment of failure;
    /// Orleans' default is 30 s). It guards against a silo declared dead that still runs; here the other silos refuse
    /// its messages once it is declared dead and every state write is version-checked, so a short lease suffices.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DirectoryLease { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Which grain directory the silos use.</summary>
    [EnumDataType(typeof(GrainDirectoryKind))]
    public GrainDirectoryKind GrainDirectory { get; set; } = GrainDirectoryKind.Distributed;
}

public enum GrainDirectoryKind
{
    /// <summary>Orleans' strongly consistent distributed directory: one live activation per grain, also while silos join and leave.</summary>
    Distributed,

    /// <summary>Orleans' classic, eventually consistent in-cluster directory (may briefly allow two activations during churn).</summary>
    Classic,
}
