using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Grains;

/// <summary>
/// One customer's seats in one event. Not reentrant, so concurrent holds of that customer reserve one after the
/// other and cannot pass the limit together; other customers' holds never meet it (no per-event grain on the hold path).
/// </summary>
public sealed class CustomerQuotaGrain(
    [PersistentState("customerQuota", StorageNames.Ticketing)] IPersistentState<CustomerQuotaState> state,
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

    public async Task Release(Guid bookingId)
    {
        if (state.State.Release(bookingId))
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
    }

    public Task<int> GetSeatsInUse() => Task.FromResult(state.State.SeatsInUse(clock.GetUtcNow()));
}
