using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Tickets;

namespace Ticketing.Grains;

/// <summary>
/// An event's ticket ledger for the offline check-in list (key: the event id). Bookings tell it one-way of issued and
/// revoked tickets, so no booking waits for it; it writes its state at most once a second (and when it leaves
/// memory) rather than once per message, since a sales rush sends it thousands a second. Never on the scan path.
/// </summary>
public sealed class CheckinLedgerGrain(
    [PersistentState("checkin-ledger", ProviderNames.GrainState)] IPersistentState<CheckinLedger> state) : Grain, ICheckinLedgerGrain
{
    /// <summary>How often pending changes are written.</summary>
    public static readonly TimeSpan FlushPeriod = TimeSpan.FromSeconds(1);

    private bool _dirty;
    private IGrainTimer? _flush;

    private CheckinLedger Ledger => state.State;

    public Task TicketsIssued(Guid bookingId, IReadOnlyList<Guid> ticketIds) => Changed(Ledger.Issue(bookingId, ticketIds));

    public Task TicketsRevoked(Guid bookingId, IReadOnlyList<Guid> ticketIds) => Changed(Ledger.Revoke(bookingId, ticketIds));

    public async Task ReportConflict(CheckinConflict conflict)
    {
        if (Ledger.AddConflict(conflict))
        {
            // Rare, and the organizer must see it: written before the scan's upload is answered.
            _dirty = false;
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
    }

    public Task<CheckinListSnapshot> GetList(long since) => Task.FromResult(Ledger.Snapshot(since));

    public Task<IReadOnlyList<CheckinConflict>> GetConflicts() => Task.FromResult<IReadOnlyList<CheckinConflict>>([.. Ledger.Conflicts]);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    private Task Changed(bool changed)
    {
        if (changed)
        {
            _dirty = true;
            _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions { DueTime = FlushPeriod, Period = FlushPeriod });
        }

        return Task.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}
