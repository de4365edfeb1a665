namespace Ticketing.Grains;

/// <summary>Names of the storage and stream providers the grains rely on; the hosts wire them.</summary>
public static class StorageNames
{
    /// <summary>Grain state of events, seat blocks and bookings.</summary>
    public const string Ticketing = "ticketing";

    /// <summary>Stream pub-sub subscriptions.</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The stream provider for booking events.</summary>
    public const string BookingStream = "BookingEvents";
}
