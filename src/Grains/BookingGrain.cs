using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Grains.Payments;

namespace Ticketing.Grains;

/// <summary>
/// A customer's booking and its payment saga: Held → PaymentPending → Confirmed | PaymentFailed, and
/// Confirmed → Cancelled with a refund. Not reentrant: its calls run one at a time, so concurrent or retried
/// requests for one booking can neither hold its seats twice nor charge it twice.
/// </summary>
public sealed class BookingGrain(
    [PersistentState("booking", StorageNames.Ticketing)] IPersistentState<BookingState> state,
    IPaymentGateway gateway,
    IOptions<PaymentSagaOptions> sagaOptions,
    TimeProvider clock,
    TicketingMetrics metrics,
    ILogger<BookingGrain> logger) : Grain, IBookingGrain, IRemindable
{
    private const string RefundReminder = "refund-retry";

    private IGrainTimer? _expiryTimer;

    private BookingState Booking => state.State;

    private Guid Id => this.GetPrimaryKey();

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
                ? BookingResult.Ok(Booking.ToView(Id, now))
                : BookingResult.Fail(BookingError.IdempotencyKeyReused,
                    "This idempotency key was already used for a different booking request.");
        }

        var started = clock.GetTimestamp();
        var bookingId = Id;
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
                    $"Not enough seats are left in section {plan.Section}: {plan.Quantity} requested, {outcome.FreeSeen} free."),
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
        Booking.Parts = outcome.Parts.Select(p => new BookingPart(p.Block, p.Result.Seats, p.Result.Quantity)).ToList();
        try
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
        catch
        {
            // Not acknowledged, so nothing may stay held on its account.
            await ReleaseAllAsync();
            state.State = new BookingState();
            throw;
        }

        ScheduleExpiry();
        metrics.HoldCreated(clock.GetElapsedTime(started));
        await PublishAsync(BookingEventKind.BookingHeld, now);
        return BookingResult.Ok(Booking.ToView(bookingId, now));
    }

    public async Task<BookingView?> Get()
    {
        if (!Booking.Exists)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await ExpireIfDueAsync(now);
        return Booking.ToView(Id, now);
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
            await ReleaseAllAsync();
            await EndAsync(BookingStatus.Released, BookingEventKind.BookingReleased, now);
        }
        else
        {
            await ExpireIfDueAsync(now);
        }

        return true;
    }

    public async Task<PaymentResult> Pay(string paymentToken)
    {
        if (!Booking.Exists)
        {
            return new PaymentResult(null, PaymentError.NotFound, "No such booking.");
        }

        var now = clock.GetUtcNow();
        await ExpireIfDueAsync(now);
        switch (Booking.Status)
        {
            case BookingStatus.Confirmed:
                // Paid already: the same answer, and nothing is charged again.
                return Ok(now);
            case BookingStatus.Held:
                if (!await StartPaymentAsync(now))
                {
                    return NotPayable(now);
                }

                break;
            case BookingStatus.PaymentPending:
                // Only after a crash in the middle of a payment: charging again with the same key is safe.
                break;
            default:
                return NotPayable(now);
        }

        var charging = TimeProvider.System.GetTimestamp();
        var result = await gateway.ChargeAsync(new ChargeRequest(ChargeKey, paymentToken, Booking.Total, $"Booking {Id}"));
        metrics.PaymentCompleted(TimeProvider.System.GetElapsedTime(charging));
        now = clock.GetUtcNow();
        Booking.Payment = Booking.Payment! with
        {
            Status = result.Outcome switch
            {
                GatewayOutcome.Succeeded => PaymentStatus.Succeeded,
                GatewayOutcome.Declined => PaymentStatus.Declined,
                _ => PaymentStatus.Failed,
            },
            GatewayReference = result.Reference,
            Reason = result.Reason,
            CompletedAt = now,
            Attempts = Booking.Payment.Attempts + result.Attempts,
        };

        if (result.Outcome != GatewayOutcome.Succeeded)
        {
            await ReleaseAllAsync();
            Booking.Reason = $"Payment failed: {result.Reason}";
            await EndAsync(BookingStatus.PaymentFailed, BookingEventKind.PaymentFailed, now);
            var error = result.Outcome switch
            {
                GatewayOutcome.Declined => PaymentError.Declined,
                GatewayOutcome.TimedOut => PaymentError.GatewayTimeout,
                _ => PaymentError.GatewayUnavailable,
            };
            return new PaymentResult(Booking.ToView(Id, now), error, Booking.Reason);
        }

        if (await SellAllAsync(now))
        {
            Booking.IssueTickets();
            await EndAsync(BookingStatus.Confirmed, BookingEventKind.BookingConfirmed, now);
            return Ok(now);
        }

        // Paid, but the seats cannot be sold (the hold ran out and others took them, or the event was cancelled):
        // give the money back.
        await ReleaseAllAsync();
        await ReturnSoldAsync();
        Booking.Reason = "The seats could not be sold after the payment (the hold expired while it was in flight and the seats were taken, or the event was cancelled); the payment is refunded.";
        await RefundAsync(BookingStatus.Refunded);
        return new PaymentResult(Booking.ToView(Id, clock.GetUtcNow()), PaymentError.SeatsLost, Booking.Reason);
    }

    public async Task<PaymentResult> Cancel()
    {
        if (!Booking.Exists)
        {
            return new PaymentResult(null, PaymentError.NotFound, "No such booking.");
        }

        var now = clock.GetUtcNow();
        await ExpireIfDueAsync(now);
        switch (Booking.Status)
        {
            case BookingStatus.Held:
                await ReleaseAllAsync();
                await EndAsync(BookingStatus.Released, BookingEventKind.BookingReleased, now);
                return Ok(now);
            case BookingStatus.Confirmed:
                // Refund first, then the seats go back on sale; a refund that fails is retried by a reminder.
                await RefundAsync(BookingStatus.Cancelled, publishOnSuccess: BookingEventKind.BookingCancelled);
                await ReturnSoldAsync();
                if (Booking.Status == BookingStatus.RefundPending)
                {
                    await PublishAsync(BookingEventKind.BookingCancelled, clock.GetUtcNow());
                }

                return Ok(clock.GetUtcNow());
            case BookingStatus.Cancelled:
            case BookingStatus.RefundPending when Booking.StatusAfterRefund == BookingStatus.Cancelled:
                // Repeating a cancellation also finishes one that stopped half-way.
                await ReturnSoldAsync();
                return Ok(now);
            default:
                return new PaymentResult(Booking.ToView(Id, now), PaymentError.NotPayable,
                    $"A booking that is {Booking.Status} cannot be cancelled.");
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RefundReminder)
        {
            return;
        }

        if (Booking.Status == BookingStatus.RefundPending)
        {
            await RefundAsync(Booking.StatusAfterRefund);
        }
        else
        {
            await StopRefundRetriesAsync();
        }
    }

    private string ChargeKey => $"booking-{Id:N}-charge";

    private string RefundKey => $"booking-{Id:N}-refund";

    /// <summary>Keeps the seats held while the payment is in flight, for a bounded grace period.</summary>
    private async Task<bool> StartPaymentAsync(DateTimeOffset now)
    {
        var until = now + sagaOptions.Value.HoldGrace;
        var extended = await Task.WhenAll(Booking.Parts.Select(p => Block(p.Block).ExtendHold(Id, until)));
        if (!extended.All(ok => ok))
        {
            // A block already let the hold go (its clock reached the expiry first).
            await ReleaseAllAsync();
            await EndAsync(BookingStatus.Expired, BookingEventKind.BookingExpired, now);
            return false;
        }

        Booking.Status = BookingStatus.PaymentPending;
        Booking.Payment = new PaymentRecord($"pay_{Id:N}", PaymentKind.Charge, Booking.Total, PaymentStatus.Pending, null, null, now, null, 0);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return true;
    }

    /// <summary>
    /// Sells every part. A part whose hold ran out during the payment is held again (the same seats, or the
    /// same quantity in the same shard) and sold, if it is still free.
    /// </summary>
    private async Task<bool> SellAllAsync(DateTimeOffset now)
    {
        var sold = await Task.WhenAll(Booking.Parts.Select(p => Block(p.Block).Sell(Id)));
        var lost = Booking.Parts.Where((_, i) => !sold[i]).ToList();
        var until = now + sagaOptions.Value.HoldGrace;
        foreach (var part in lost)
        {
            var block = Block(part.Block);
            var again = part.Seats.Count > 0
                ? await block.HoldSeats(Id, part.Seats, until)
                : await block.HoldBestAvailable(Id, part.Quantity, BestAvailableMode.AnyInBlock, until);
            if (!again.Succeeded || again.Quantity != part.Quantity || !await block.Sell(Id))
            {
                return false;
            }
        }

        if (lost.Count > 0)
        {
            Booking.Reason = "The hold expired while the payment was in flight; the same seats were still free and were held again.";
        }

        return true;
    }

    /// <summary>Refunds the charge; on failure the booking waits in RefundPending and a reminder tries again.</summary>
    private async Task RefundAsync(BookingStatus whenRefunded, BookingEventKind publishOnSuccess = BookingEventKind.BookingRefunded)
    {
        var now = clock.GetUtcNow();
        var refund = Booking.Refunds.LastOrDefault(r => r.Status != PaymentStatus.Succeeded)
            ?? new PaymentRecord($"ref_{Id:N}", PaymentKind.Refund, Booking.Total, PaymentStatus.Pending, null, null, now, null, 0);
        Booking.Refunds.Remove(refund);

        var result = await gateway.RefundAsync(new RefundRequest(RefundKey, Booking.Payment!.GatewayReference!, Booking.Total));
        now = clock.GetUtcNow();
        var succeeded = result.Outcome == GatewayOutcome.Succeeded;
        Booking.Refunds.Add(refund with
        {
            Status = succeeded ? PaymentStatus.Succeeded : PaymentStatus.Failed,
            GatewayReference = result.Reference,
            Reason = result.Reason,
            CompletedAt = succeeded ? now : null,
            Attempts = refund.Attempts + result.Attempts,
        });

        if (succeeded)
        {
            await EndAsync(whenRefunded, publishOnSuccess, now);
            await StopRefundRetriesAsync();
            return;
        }

        Booking.Status = BookingStatus.RefundPending;
        Booking.StatusAfterRefund = whenRefunded;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        var period = sagaOptions.Value.RefundRetryPeriod;
        await this.RegisterOrUpdateReminder(RefundReminder, period, period);
    }

    private async Task StopRefundRetriesAsync()
    {
        if (await this.GetReminder(RefundReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task ExpireIfDueAsync(DateTimeOffset now)
    {
        if (Booking.ExpireIfDue(now))
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
            await PublishAsync(BookingEventKind.BookingExpired, now);
            LeaveMemoryWhenSettled();
        }
    }

    private async Task EndAsync(BookingStatus status, BookingEventKind kind, DateTimeOffset now)
    {
        Booking.Status = status;
        Booking.EndedAt = now;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await PublishAsync(kind, now);
        LeaveMemoryWhenSettled();
    }

    /// <summary>
    /// A booking that holds nothing any more is only read now and then: its state is persisted, so the activation
    /// can go instead of waiting out the idle-collection age (a flash sale creates bookings by the hundred thousand).
    /// </summary>
    private void LeaveMemoryWhenSettled()
    {
        if (Booking.Status is not (BookingStatus.Held or BookingStatus.PaymentPending or BookingStatus.RefundPending))
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>Every transition passes through <see cref="PublishAsync"/> once, so it is counted there too.</summary>
    private void Count(BookingEventKind kind)
    {
        switch (kind)
        {
            case BookingEventKind.BookingReleased: metrics.HoldReleased(); break;
            case BookingEventKind.BookingExpired: metrics.HoldExpired(); break;
            case BookingEventKind.BookingConfirmed: metrics.BookingConfirmed(Booking.EventId, Booking.Quantity); break;
            case BookingEventKind.PaymentFailed: metrics.BookingFailed(); break;
            case BookingEventKind.BookingCancelled: metrics.BookingCancelled(); break;
            case BookingEventKind.BookingRefunded: metrics.BookingRefunded(); break;
        }
    }

    /// <summary>
    /// Publishes the transition that was just persisted. The stream is not durable, so a failed publish must not
    /// turn a durable, acknowledged change into an error for the customer: it is logged instead.
    /// </summary>
    private async Task PublishAsync(BookingEventKind kind, DateTimeOffset now)
    {
        Count(kind);
        try
        {
            await this.GetStreamProvider(StorageNames.BookingStream)
                .GetStream<BookingEvent>(StreamId.Create(BookingStreams.Namespace, Booking.EventId))
                .OnNextAsync(new BookingEvent(kind, Id, Booking.EventId, Booking.Seats, Booking.Section, Booking.Quantity, now, Booking.Reason));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Booking {BookingId}: could not publish {Kind}", Id, kind);
        }
    }

    private PaymentResult Ok(DateTimeOffset now) => new(Booking.ToView(Id, now), PaymentError.None, null);

    private PaymentResult NotPayable(DateTimeOffset now) =>
        new(Booking.ToView(Id, now), PaymentError.NotPayable,
            $"A booking that is {Booking.StatusAt(now)} cannot be paid{(Booking.StatusAt(now) == BookingStatus.PaymentFailed ? "; its seats were released, book again" : "")}.");

    private Task ReleaseAllAsync() => Task.WhenAll(Booking.Parts.Select(p => ReleaseBlock(p.Block)));

    private Task ReturnSoldAsync() => Task.WhenAll(Booking.Parts.Select(p => Block(p.Block).ReturnSold(Id)));

    private ISeatBlockGrain Block(BlockDefinition block) => GrainFactory.GetGrain<ISeatBlockGrain>(block.GrainKey);

    private Task ReleaseBlock(BlockDefinition block) => Block(block).Release(Id);

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
        _expiryTimer = this.RegisterGrainTimer(
            _ => ExpireIfDueAsync(clock.GetUtcNow()),
            new GrainTimerCreationOptions { DueTime = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Period = Timeout.InfiniteTimeSpan });
    }
}
