namespace Ticketing.Silo;

/// <summary>Settings of the silo and of the API's Orleans client, bound from the "Orleans" configuration section.</summary>
public sealed class TicketingSiloOptions
{
    public const string SectionName = "Orleans";

    public const string ConnectionStringName = "Ticketing";

    /// <summary>The ADO.NET invariant name of the PostgreSQL provider (Npgsql).</summary>
    public const string PostgresInvariant = "Npgsql";

    public string ClusterId { get; set; } = "ticketing";

    public string ServiceId { get; set; } = "ticketing";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use to reach this silo (a multi-silo cluster on PostgreSQL).</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>How the API reaches the grains: a silo in its own process (Embedded) or a cluster it joins as a client.</summary>
    public ApiHostingMode Mode { get; set; } = ApiHostingMode.Embedded;
}

public enum ApiHostingMode
{
    Embedded,
    Client,
}
