using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Grains;

/// <summary>
/// A customer's booking. Not reentrant: its calls run one at a time, so a retried or concurrent request for
/// the same booking can never hold seats twice.
/// </summary>
public sealed class BookingGrain(
    [PersistentState("booking", StorageNames.Ticketing)] IPersistentState<BookingState> state,
    TimeProvider clock) : Grain, IBookingGrain
{
    private IGrainTimer? _expiryTimer;

    private BookingState Booking => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleExpiry();
        return Task.CompletedTask;
    }

    public async Task<BookingResult> Hold(BookingPlan plan)
    {
        var now = clock.GetUtcNow();
        if (Booking.Exists)
        {
            return Booking.RequestFingerprint == plan.RequestFingerprint
                ? BookingResult.Ok(Booking.ToView(this.GetPrimaryKey(), now))
                : BookingResult.Fail(BookingError.IdempotencyKeyReused,
                    "This idempotency key was already used for a different booking request.");
        }

        var bookingId = this.GetPrimaryKey();
        var expiresAt = now + plan.HoldDuration;
        var outcome = plan.IsBestAvailable
            ? await HoldCoordinator.HoldBestAvailableAsync(plan.CandidateBlocks, plan.Quantity,
                (block, quantity, mode) => Block(block).HoldBestAvailable(bookingId, quantity, mode, expiresAt), ReleaseBlock)
            : await HoldCoordinator.HoldSpecificAsync(plan.SpecificSeats,
                part => Block(part.Block).HoldSeats(bookingId, part.Seats, expiresAt), ReleaseBlock);

        if (!outcome.Succeeded)
        {
            return outcome.Refusal switch
            {
                HoldRefusal.NotOnSale => BookingResult.Fail(BookingError.NotOnSale, "The event is not on sale."),
                HoldRefusal.NotEnoughSeats => BookingResult.Fail(BookingError.SeatsUnavailable,
                    $"Not enough seats are left in section {plan.Section}: {plan.Quantity} requested."),
                _ => BookingResult.Fail(BookingError.SeatsUnavailable,
                    $"Seats not available: {string.Join(", ", outcome.UnavailableSeats)}.", outcome.UnavailableSeats),
            };
        }

        Booking.EventId = plan.EventId;
        Booking.Email = plan.Email;
        Booking.RequestFingerprint = plan.RequestFingerprint;
        Booking.Status = BookingStatus.Held;
        Booking.Seats = outcome.Parts
            .SelectMany(p => p.Result.Seats.Select(seat => seat.ToSeatId(p.Block.SectionId)))
            .ToList();
        Booking.Section = plan.Section;
        Booking.Quantity = outcome.Parts.Sum(p => p.Result.Quantity);
        Booking.ExpiresAt = expiresAt;
        Booking.Total = plan.Total;
        Booking.CreatedAt = now;
        Booking.Blocks = outcome.Parts.Select(p => p.Block).ToList();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not acknowledged, so nothing may stay held on its account.
            await HoldCoordinator.ReleaseAllAsync(Booking.Blocks, ReleaseBlock);
            state.State = new BookingState();
            throw;
        }

        ScheduleExpiry();
        return BookingResult.Ok(Booking.ToView(bookingId, now));
    }

    public async Task<BookingView?> Get()
    {
        if (!Booking.Exists)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (Booking.ExpireIfDue(now))
        {
            await state.WriteStateAsync();
        }

        return Booking.ToView(this.GetPrimaryKey(), now);
    }

    public async Task<bool> Release()
    {
        if (!Booking.Exists)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        if (Booking.IsHeldAt(now))
        {
            await HoldCoordinator.ReleaseAllAsync(Booking.Blocks, ReleaseBlock);
            Booking.Status = BookingStatus.Released;
            Booking.EndedAt = now;
            await state.WriteStateAsync();
        }
        else if (Booking.ExpireIfDue(now))
        {
            await state.WriteStateAsync();
        }

        return true;
    }

    private ISeatBlockGrain Block(BlockDefinition block) => GrainFactory.GetGrain<ISeatBlockGrain>(block.GrainKey);

    private Task ReleaseBlock(BlockDefinition block) => Block(block).Release(this.GetPrimaryKey());

    /// <summary>
    /// Marks the booking Expired at its expiry time. The seat blocks free the seats on their own timers, at the
    /// same instant, so nothing needs to be released from here.
    /// </summary>
    private void ScheduleExpiry()
    {
        if (!Booking.Exists || Booking.Status != BookingStatus.Held)
        {
            return;
        }

        var dueIn = Booking.ExpiresAt - clock.GetUtcNow();
        _expiryTimer?.Dispose();
        _expiryTimer = this.RegisterGrainTimer(OnExpiryDue, new GrainTimerCreationOptions
        {
            DueTime = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn,
            Period = Timeout.InfiniteTimeSpan,
        });
    }

    private async Task OnExpiryDue(CancellationToken cancellationToken)
    {
        if (Booking.ExpireIfDue(clock.GetUtcNow()))
        {
            await state.WriteStateAsync();
        }
    }
}
