namespace Ticketing.Silo;

/// <summary>Settings of the silo, bound from the "Orleans" configuration section.</summary>
public sealed class TicketingSiloOptions
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "ticketing";

    public string ServiceId { get; set; } = "ticketing";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
