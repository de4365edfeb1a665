using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Grains.Tickets;

namespace Ticketing.Grains;

/// <summary>
/// One ticket's check-in (key: the ticket id). Not reentrant: two gates scanning the same ticket at the same instant
/// are served one after the other, so exactly one is admitted. Whether the ticket still stands is asked of its booking
/// at the first admission, so a cancelled or refunded booking's tickets are refused even if no message said so.
/// </summary>
public sealed class TicketGrain(
    [PersistentState("ticket", ProviderNames.GrainState)] IPersistentState<TicketState> state,
    TimeProvider clock) : Grain, ITicketGrain
{
    private TicketState Ticket => state.State;

    private Guid Id => this.GetPrimaryKey();

    public async Task Issued(Guid bookingId, Guid eventId)
    {
        if (Ticket.BookingId == bookingId && Ticket.EventId == eventId)
        {
            return;
        }

        Ticket.BookingId = bookingId;
        Ticket.EventId = eventId;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    public Task<Guid?> GetBookingId() => Task.FromResult(Ticket.BookingId == Guid.Empty ? (Guid?)null : Ticket.BookingId);

    public Task<TicketAdmission?> GetAdmission() => Task.FromResult(Ticket.Admission);

    public async Task<CheckinOutcome> CheckIn(CheckinRequest request)
    {
        if (request.Nonce is { } nonce && Ticket.ScansByNonce.TryGetValue(nonce, out var earlier))
        {
            return earlier with { Replayed = true };
        }

        CheckinOutcome outcome;
        if (Ticket.Admission is null && !await StandsAsync(request))
        {
            outcome = new CheckinOutcome(CheckinStatus.Revoked, null, request.Seat);
        }
        else
        {
            outcome = TicketAdmissionRules.Decide(Ticket, request, clock.GetUtcNow());
        }

        var changed = outcome.Status == CheckinStatus.Admitted;
        changed |= TicketAdmissionRules.Remember(Ticket, request.Nonce, outcome);
        if (changed)
        {
            if (Ticket.BookingId == Guid.Empty)
            {
                (Ticket.BookingId, Ticket.EventId) = (request.BookingId, request.EventId);
            }

            if (outcome.Status == CheckinStatus.Admitted)
            {
                Ticket.AppendEvent(Id.ToString(), request.EventId, IntegrationEventTypes.TicketCheckedIn, clock.GetUtcNow(), IntegrationEventPayloads.ForCheckIn(Id, request, outcome.Admission!));
            }

            // Durable (with its ticket.checked_in event) before anyone is told to let the holder in.
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        if (outcome.Status == CheckinStatus.Conflict && !outcome.Replayed)
        {
            var second = new TicketAdmission(request.ScannedAt ?? clock.GetUtcNow(), request.Gate, request.StaffId, request.Nonce);
            await GrainFactory.GetGrain<ICheckinLedgerGrain>(request.EventId)
                .ReportConflict(new CheckinConflict(Id, request.Seat, outcome.Admission!, second, clock.GetUtcNow()));
        }

        return outcome;
    }

    /// <summary>The ticket may enter while its booking is confirmed and still lists it.</summary>
    private async Task<bool> StandsAsync(CheckinRequest request)
    {
        var booking = await GrainFactory.GetGrain<IBookingGrain>(request.BookingId).Get();
        return booking is { Status: BookingStatus.Confirmed } && booking.EventId == request.EventId && booking.Tickets.Any(t => t.Id == Id);
    }
}
