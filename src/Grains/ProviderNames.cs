namespace Ticketing.Grains;

/// <summary>The names under which the hosts register the Orleans providers the grains use.</summary>
public static class ProviderNames
{
    /// <summary>The grain storage that keeps the state of events, seat blocks and bookings.</summary>
    public const string GrainState = "ticketing";

    /// <summary>The grain storage Orleans keeps stream subscriptions in (its own name for it).</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>The stream provider integration events travel on (see IntegrationEventStreams for their streams).</summary>
    public const string IntegrationEvents = "IntegrationEvents";
}
