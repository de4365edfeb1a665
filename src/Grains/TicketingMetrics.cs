using System.Diagnostics.Metrics;

namespace Ticketing.Grains;

/// <summary>
/// The business meters ("Ticketing"): holds and bookings by outcome, seats sold, and how long holds and
/// payments take. Exported by the hosts (Prometheus at /metrics).
/// </summary>
public sealed class TicketingMetrics
{
    public const string MeterName = "Ticketing";

    private readonly Counter<long> _holdsCreated;
    private readonly Counter<long> _holdsReleased;
    private readonly Counter<long> _holdsExpired;
    private readonly Counter<long> _bookingsConfirmed;
    private readonly Counter<long> _bookingsFailed;
    private readonly Counter<long> _bookingsCancelled;
    private readonly Counter<long> _bookingsRefunded;
    private readonly Counter<long> _seatsSold;
    private readonly Histogram<double> _holdLatency;
    private readonly Histogram<double> _paymentLatency;

    public TicketingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _holdsCreated = meter.CreateCounter<long>("ticketing.holds.created", "{hold}", "Holds acknowledged to a customer.");
        _holdsReleased = meter.CreateCounter<long>("ticketing.holds.released", "{hold}", "Holds released by the customer.");
        _holdsExpired = meter.CreateCounter<long>("ticketing.holds.expired", "{hold}", "Holds that ran out unpaid.");
        _bookingsConfirmed = meter.CreateCounter<long>("ticketing.bookings.confirmed", "{booking}", "Bookings paid and confirmed.");
        _bookingsFailed = meter.CreateCounter<long>("ticketing.bookings.failed", "{booking}", "Bookings whose payment failed.");
        _bookingsCancelled = meter.CreateCounter<long>("ticketing.bookings.cancelled", "{booking}", "Confirmed bookings cancelled.");
        _bookingsRefunded = meter.CreateCounter<long>("ticketing.bookings.refunded", "{booking}", "Refunds completed.");
        _seatsSold = meter.CreateCounter<long>("ticketing.seats.sold", "{seat}", "Seats sold (no per-event label: event ids are unbounded).");
        _holdLatency = meter.CreateHistogram<double>("ticketing.hold.duration", "ms", "Time to hold a booking's seats, as the booking grain sees it.");
        _paymentLatency = meter.CreateHistogram<double>("ticketing.payment.duration", "ms", "Time of a charge at the payment provider, retries included.");

        // Present from the start, so that a scrape lists every counter before the first sale.
        foreach (var counter in new[] { _holdsCreated, _holdsReleased, _holdsExpired, _bookingsConfirmed, _bookingsFailed, _bookingsCancelled, _bookingsRefunded })
        {
            counter.Add(0);
        }
    }

    public void HoldCreated(TimeSpan took)
    {
        _holdsCreated.Add(1);
        _holdLatency.Record(took.TotalMilliseconds);
    }

    public void HoldReleased() => _holdsReleased.Add(1);

    public void HoldExpired() => _holdsExpired.Add(1);

    public void PaymentCompleted(TimeSpan took) => _paymentLatency.Record(took.TotalMilliseconds);

    public void BookingConfirmed(int seats)
    {
        _bookingsConfirmed.Add(1);
        _seatsSold.Add(seats);
    }

    public void BookingFailed() => _bookingsFailed.Add(1);

    public void BookingCancelled() => _bookingsCancelled.Add(1);

    public void BookingRefunded() => _bookingsRefunded.Add(1);
}
