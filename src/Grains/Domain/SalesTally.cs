using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Grains.Domain;

/// <summary>
/// The counters of <see cref="EventSales"/> and the log position of the last event counted. Events come in log order;
/// one at or before that position was counted already (a redelivery after a restart) and is skipped, so each event
/// counts exactly once as long as the tally is stored before its delivery is acknowledged.
/// </summary>
[GenerateSerializer, Alias("SalesTally")]
public sealed class SalesTally
{
    [Id(0)] public int Held { get; set; }

    [Id(1)] public int Confirmed { get; set; }

    [Id(2)] public int Failed { get; set; }

    [Id(3)] public int Released { get; set; }

    [Id(4)] public int Expired { get; set; }

    [Id(5)] public int Cancelled { get; set; }

    [Id(6)] public int Refunded { get; set; }

    [Id(7)] public int SeatsSold { get; set; }

    [Id(8)] public decimal Revenue { get; set; }

    [Id(9)] public string? Currency { get; set; }

    [Id(10)] public int CheckedIn { get; set; }

    [Id(11)] public long EventsApplied { get; set; }

    [Id(12)] public DateTimeOffset? LastEventAt { get; set; }

    [Id(13)] public long LastTransaction { get; set; }

    [Id(14)] public long LastPosition { get; set; }

    public LogCursor LastApplied => new(LastTransaction, LastPosition);

    /// <summary>
    /// Counts <paramref name="e"/>, read at <paramref name="at"/>; false when it was counted before. Without a log
    /// position (a provider that does not read the log) it always counts.
    /// </summary>
    public bool Apply(IntegrationEvent e, LogCursor? at)
    {
        if (at is { } position)
        {
            if (position.CompareTo(LastApplied) <= 0)
            {
                return false;
            }

            (LastTransaction, LastPosition) = (position.Transaction, position.Position);
        }

        EventsApplied++;
        LastEventAt = e.OccurredAt;
        if (e.Type == IntegrationEventTypes.TicketCheckedIn)
        {
            CheckedIn++;
            return true;
        }

        if (!IntegrationEventTypes.IsBooking(e.Type) || IntegrationEventPayloads.ReadBooking(e.Payload) is not { } booking)
        {
            return true;
        }

        Currency ??= booking.Currency;
        switch (e.Type)
        {
            case IntegrationEventTypes.BookingHeld: Held++; break;
            case IntegrationEventTypes.BookingConfirmed:
                Confirmed++;
                SeatsSold += booking.Quantity;
                Revenue += booking.Amount;
                break;
            case IntegrationEventTypes.BookingFailed: Failed++; break;
            case IntegrationEventTypes.BookingReleased: Released++; break;
            case IntegrationEventTypes.BookingExpired: Expired++; break;

            // Only a confirmed booking can be cancelled: its seats go back on sale and its payment is refunded.
            case IntegrationEventTypes.BookingCancelled:
                Cancelled++;
                SeatsSold -= booking.Quantity;
                Revenue -= booking.Amount;
                break;

            // A refund of a payment whose seats were lost (never sold), or the late refund of a cancellation counted above.
            case IntegrationEventTypes.BookingRefunded: Refunded++; break;
        }

        return true;
    }

    public EventSales ToView(Guid eventId) => new(eventId, Held, Confirmed, Failed, Released, Expired, Cancelled, Refunded, SeatsSold, Revenue,
        Currency, CheckedIn, EventsApplied, LastEventAt);
}
