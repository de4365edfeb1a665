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
