using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Events;

/// <summary>
/// Where booking grains send their transitions. The host wires the implementation (onto the Orleans stream of the
/// booking's event). Publishing does not wait for delivery: the returned task completes once the event has left for
/// its stream, and a grain awaits its outstanding ones only before it deactivates, so events of one booking keep
/// their order even when its next activation lives on another silo.
/// </summary>
public interface IBookingEventPublisher
{
    Task Publish(BookingEvent bookingEvent);
}
