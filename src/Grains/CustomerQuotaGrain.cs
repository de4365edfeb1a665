using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Grains;

/// <summary>
/// One customer's seats in one event. Not reentrant, so concurrent holds of that customer reserve one after the
/// other and cannot pass the limit together; other customers' holds never meet it (no per-event grain on the hold path).
/// </summary>
public sealed class CustomerQuotaGrain(
    [PersistentState("customerQuota", ProviderNames.GrainState)] IPersistentState<CustomerQuotaState> state,
    TimeProvider clock) : Grain, ICustomerQuotaGrain
{
    public async Task<QuotaReservation> Reserve(Guid bookingId, int seats, int limit, DateTimeOffset until)
    {
        var reservation = state.State.TryReserve(bookingId, seats, limit, until, clock.GetUtcNow());
        if (reservation.Granted)
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        return reservation;
    }

    public async Task Confirm(Guid bookingId, int seats)
    {
        if (state.State.Confirm(bookingId, seats))
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
    }

    /// <summary>
    /// A released hold is forgotten in memory only, and written with the next change: should the silo die first,
    /// the stored entry lapses by itself when its hold could have run out, so the customer is never allowed more
    /// than the limit and the hot path saves a write per book-and-release. A sold entry (a cancellation) is written
    /// at once: it would otherwise count for good.
    /// </summary>
    public async Task Release(Guid bookingId)
    {
        var wasSold = state.State.Entries.TryGetValue(bookingId, out var entry) && entry.Sold;
        if (state.State.Release(bookingId) && wasSold)
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
    }

    public Task<int> GetSeatsInUse() => Task.FromResult(state.State.SeatsInUse(clock.GetUtcNow()));
}
