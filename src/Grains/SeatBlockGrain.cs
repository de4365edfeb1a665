using Orleans.Concurrency;
using Orleans.Placement;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Grains;

/// <summary>
/// One block of seats. Reentrant so that holds keep flowing while a storage write is in flight: each call
/// changes memory in one synchronous step, then awaits the group write that makes it durable. Placed at random so
/// that an event's blocks spread over the silos (the default would put them all next to the event grain that
/// opens them).
/// </summary>
[Reentrant]
[RandomPlacement]
public sealed class SeatBlockGrain(
    [PersistentState("seatBlock", ProviderNames.GrainState)] IPersistentState<SeatBlockState> state,
    TimeProvider clock) : Grain, ISeatBlockGrain
{
    private SeatBlock _block = null!;
    private WriteCoalescer _writer = null!;
    private IGrainTimer? _expiryTimer;
    private DateTimeOffset _expiryTimerDue = DateTimeOffset.MaxValue;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _block = new SeatBlock(state.State);
        _writer = new WriteCoalescer(() => state.WriteOrReloadAsync(DeactivateOnIdle));
        ScheduleExpiry();
        return Task.CompletedTask;
    }

    public async Task Open(BlockDefinition definition)
    {
        if (_block.Open(definition))
        {
            await _writer.WriteAsync();
        }
    }

    public async Task Close()
    {
        if (_block.Close())
        {
            await _writer.WriteAsync();
        }
    }

    public async Task Cancel()
    {
        if (_block.Cancel())
        {
            await _writer.WriteAsync();
        }
    }

    public Task<BlockHoldResult> HoldSeats(Guid bookingId, IReadOnlyList<SeatPosition> seats, DateTimeOffset expiresAt) =>
        PersistIfHeld(_block.HoldSeats(bookingId, seats, expiresAt, clock.GetUtcNow()));

    public Task<BlockHoldResult> HoldBestAvailable(Guid bookingId, int quantity, BestAvailableMode mode, DateTimeOffset expiresAt) =>
        PersistIfHeld(_block.HoldBestAvailable(bookingId, quantity, mode, expiresAt, clock.GetUtcNow()));

    public async Task Release(Guid bookingId)
    {
        if (_block.Release(bookingId, clock.GetUtcNow()))
        {
            await _writer.WriteAsync();
        }
    }

    public async Task<bool> ExtendHold(Guid bookingId, DateTimeOffset until)
    {
        if (!_block.ExtendHold(bookingId, until, clock.GetUtcNow()))
        {
            return false;
        }

        await _writer.WriteAsync();
        return true;
    }

    public async Task<bool> Sell(Guid bookingId)
    {
        if (!_block.Sell(bookingId, clock.GetUtcNow()))
        {
            return false;
        }

        await _writer.WriteAsync();
        return true;
    }

    public async Task ReturnSold(Guid bookingId)
    {
        if (_block.ReturnSold(bookingId))
        {
            await _writer.WriteAsync();
        }
    }

    public Task<IReadOnlyList<Guid>> GetBookings() => Task.FromResult(_block.Bookings(clock.GetUtcNow()));

    public Task<SeatCounts> GetCounts() => Task.FromResult(_block.Counts(clock.GetUtcNow()));

    public Task<IReadOnlyList<SeatView>> GetSeats() => Task.FromResult(_block.Seats(clock.GetUtcNow()));

    private async Task<BlockHoldResult> PersistIfHeld(BlockHoldResult result)
    {
        if (result.Succeeded)
        {
            ScheduleExpiry();
            await _writer.WriteAsync();
        }

        return result;
    }

    /// <summary>Keeps one timer due at the earliest hold's expiry, so seats come free on time even if nobody asks.</summary>
    private void ScheduleExpiry()
    {
        if (_block.NextExpiry is not { } next || next >= _expiryTimerDue)
        {
            return;
        }

        _expiryTimerDue = next;
        var dueIn = next - clock.GetUtcNow();
        if (dueIn < TimeSpan.Zero)
        {
            dueIn = TimeSpan.Zero;
        }

        if (_expiryTimer is null)
        {
            _expiryTimer = this.RegisterGrainTimer(OnExpiryDue, new GrainTimerCreationOptions
            {
                DueTime = dueIn,
                Period = Timeout.InfiniteTimeSpan,
                Interleave = true,
            });
        }
        else
        {
            _expiryTimer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnExpiryDue(CancellationToken cancellationToken)
    {
        _expiryTimerDue = DateTimeOffset.MaxValue;
        var expired = _block.ExpireDue(clock.GetUtcNow());
        ScheduleExpiry();
        if (expired.Count > 0)
        {
            await _writer.WriteAsync();
        }
    }
}
