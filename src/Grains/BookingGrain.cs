using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Grains.Events;
using Ticketing.Grains.Payments;
using Ticketing.Grains.Tickets;

namespace Ticketing.Grains;

/// <summary>
/// The shell of a booking: runs the steps <see cref="BookingSaga"/> decides (storage, seat blocks, the payment
/// gateway, the expiry timer, the resume reminder, the outbox, metrics). Not reentrant: its calls run one at a
/// time, so concurrent or retried requests for one booking can neither hold its seats twice nor charge it twice.
/// Placed on the silo whose gateway took the request: a new booking per hold should not cost a hop to another silo.
/// </summary>
[PreferLocalPlacement]
public sealed class BookingGrain(
    [PersistentState("booking", ProviderNames.GrainState)] IPersistentState<BookingState> state,
    IPaymentGateway gateway,
    IOptions<PaymentSagaOptions> sagaOptions,
    TimeProvider clock,
    TicketingMetrics metrics,
    ILogger<BookingGrain> logger,
    ITicketSigner ticketSigner) : Grain, IBookingGrain, IRemindable
{
    /// <summary>Drives a PaymentPending or RefundPending booking to its end after a crash or an unanswered provider call.</summary>
    private const string ResumeReminder = "saga-resume";

    /// <summary>The name refund retries were registered under before "saga-resume"; such reminders are still honoured.</summary>
    private const string LegacyRefundReminder = "refund-retry";

    /// <summary>
    /// How long an activation that finds its booking PaymentPending or RefundPending (or leaves it so after a failed
    /// step) waits before it resumes the saga: long enough for a charge sent just before the previous activation's silo
    /// died to have landed at the provider, short enough that the customer sees the outcome within seconds instead of
    /// at the reminder's next tick.
    /// </summary>
    private static readonly TimeSpan ResumeAfterActivation = TimeSpan.FromSeconds(5);

    private IGrainTimer? _expiryTimer;
    private IGrainTimer? _resumeTimer;

    /// <summary>The resume reminder as this activation registered it: stopping it then needs no read of the reminder table.</summary>
    private IGrainReminder? _resumeReminder;

    /// <summary>An old booking's reminder under the legacy name fired here, so stopping the saga's reminders stops it too.</summary>
    private bool _legacyReminderFired;

    private BookingState Booking => state.State;

    private Guid Id => this.GetPrimaryKey();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Booking.Exists && Booking.Status == BookingStatus.Held)
        {
            ScheduleExpiry(Booking.ExpiresAt);
        }
        else if (Booking.Exists && Booking.Status is BookingStatus.PaymentPending or BookingStatus.RefundPending)
        {
            // The previous activation stopped mid-saga (its silo died, or it was collected while the provider did not
            // answer). The durable reminder would settle it at its next tick, up to a period away; an activation
            // settles it now. The reminder stays the backstop for a booking that nobody activates.
            ScheduleResume();
        }

        return Task.CompletedTask;
    }

    public async Task<BookingResult> Hold(BookingPlan plan)
    {
        var (started, isNew) = (clock.GetTimestamp(), !Booking.Exists);
        // The purchase limit: the customer's quota is reserved before any block is asked (the hold's one extra call).
        var quota = isNew && plan is { CustomerId: { } customer, MaxSeatsPerCustomer: > 0 }
            ? GrainFactory.GetGrain<ICustomerQuotaGrain>(CustomerQuotaKey.Format(plan.EventId, customer))
            : null;
        if (quota is not null)
        {
            // Until the latest the hold could last: its expiry, extended by at most the payment grace.
            var until = clock.GetUtcNow() + plan.HoldDuration + sagaOptions.Value.HoldGrace;
            var reservation = await quota.Reserve(Id, plan.Quantity, plan.MaxSeatsPerCustomer, until);
            if (!reservation.Granted)
            {
                return BookingResult.Fail(BookingError.PurchaseLimitReached,
                    $"At most {plan.MaxSeatsPerCustomer} seats per customer in this event: you hold or bought {reservation.SeatsInUse}, and asked for {plan.Quantity} more.");
            }
        }

        SagaStep answer;
        try
        {
            answer = await RunAsync(saga => saga.Hold(plan, clock.GetUtcNow()));
        }
        catch when (quota is not null && !Booking.Exists)
        {
            await quota.Release(Id);
            throw;
        }

        if (answer is SagaStep.RefuseHold refusal)
        {
            if (quota is not null)
            {
                await quota.Release(Id);
            }

            return BookingResult.Fail(refusal.Error, refusal.Message, refusal.UnavailableSeats);
        }

        if (isNew)
        {
            metrics.HoldCreated(clock.GetElapsedTime(started));
        }

        return BookingResult.Ok(Booking.ToView(Id, clock.GetUtcNow()));
    }

    public async Task<BookingView?> Get()
    {
        var answer = await RunAsync(saga => saga.ExpiryDue(clock.GetUtcNow()));
        return IsNotFound(answer) ? null : Booking.ToView(Id, clock.GetUtcNow());
    }

    public async Task<bool> Release() => !IsNotFound(await RunAsync(saga => saga.Release(clock.GetUtcNow())));

    public async Task<BookingCommandResult> ReleaseHold() =>
        CommandResult(await RunAsync(saga => saga.Release(clock.GetUtcNow())));

    public async Task<BookingCommandResult> Pay(string paymentToken) =>
        CommandResult(await RunAsync(saga => saga.Pay(paymentToken, clock.GetUtcNow())));

    public async Task<BookingCommandResult> Cancel() =>
        CommandResult(await RunAsync(saga => saga.Cancel(clock.GetUtcNow())));

    public Task<BookingView?> Get(string? customerId) => Booking.Exists && !Booking.IsOwnedBy(customerId) ? Task.FromResult<BookingView?>(null) : Get();

    public Task<BookingCommandResult> ReleaseHold(string? customerId) =>
        Booking.Exists && !Booking.IsOwnedBy(customerId) ? Task.FromResult(NotYours()) : ReleaseHold();

    public Task<BookingCommandResult> Pay(string paymentToken, string? customerId) =>
        Booking.Exists && !Booking.IsOwnedBy(customerId) ? Task.FromResult(NotYours()) : Pay(paymentToken);

    public Task<BookingCommandResult> Cancel(string? customerId) =>
        Booking.Exists && !Booking.IsOwnedBy(customerId) ? Task.FromResult(NotYours()) : Cancel();

    /// <summary>Someone else's booking looks exactly like one that does not exist.</summary>
    private static BookingCommandResult NotYours() => new(null, BookingCommandError.NotFound, BookingSaga.NotFoundMessage);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName is ResumeReminder or LegacyRefundReminder)
        {
            _legacyReminderFired |= reminderName == LegacyRefundReminder;
            await RunAsync(saga => saga.ResumeDue(clock.GetUtcNow()));
        }
    }

    /// <summary>Runs the saga's steps in order, handing each request's outcome back, until it answers.</summary>
    private async Task<SagaStep> RunAsync(Func<BookingSaga, IReadOnlyList<SagaStep>> command)
    {
        try
        {
            return await RunStepsAsync(command);
        }
        catch when (Booking.Exists && Booking.Status is BookingStatus.PaymentPending or BookingStatus.RefundPending)
        {
            // A step failed mid-saga (a block on a silo that just died, the provider unreachable): the activation lives
            // on with its booking pending, so nothing would resume it before the reminder's next tick. Try again soon.
            ScheduleResume();
            throw;
        }
    }

    private void ScheduleResume()
    {
        _resumeTimer?.Dispose();
        _resumeTimer = this.RegisterGrainTimer(
            _ => RunAsync(saga => saga.ResumeDue(clock.GetUtcNow())),
            new GrainTimerCreationOptions { DueTime = ResumeAfterActivation, Period = Timeout.InfiniteTimeSpan });
    }

    private async Task<SagaStep> RunStepsAsync(Func<BookingSaga, IReadOnlyList<SagaStep>> command)
    {
        var saga = new BookingSaga(Id, Booking, sagaOptions.Value.HoldGrace, ticketSigner);
        var steps = command(saga);
        while (true)
        {
            AppendToOutbox(steps);
            foreach (var effect in steps.SkipLast(1))
            {
                await ApplyAsync(effect);
            }

            if (steps[^1] is SagaStep.Reply or SagaStep.RefuseHold)
            {
                return steps[^1];
            }

            steps = await PerformAsync(saga, steps[^1]);
        }
    }

    /// <summary>
    /// Every transition a decision publishes goes into the booking's outbox before the decision's effects run, so the
    /// write that stores the transition (which comes before its Publish step) records its integration event with it.
    /// </summary>
    private void AppendToOutbox(IReadOnlyList<SagaStep> steps)
    {
        foreach (var publish in steps.OfType<SagaStep.Publish>())
        {
            Booking.AppendEvent(Id.ToString(), Booking.EventId, IntegrationEventTypes.For(publish.Kind), publish.At, IntegrationEventPayloads.ForBooking(Id, Booking));
        }
    }

    private async Task<IReadOnlyList<SagaStep>> PerformAsync(BookingSaga saga, SagaStep request) => request switch
    {
        SagaStep.HoldSeats hold => saga.SeatsHeld(await HoldSeatsAsync(hold), clock.GetUtcNow()),
        SagaStep.ExtendHolds extend => saga.HoldsExtended(
            (await Task.WhenAll(Booking.Parts.Select(p => Block(p.Block).ExtendHold(Id, extend.Until)))).All(ok => ok), clock.GetUtcNow()),
        SagaStep.Charge charge => saga.Charged(await ChargeAsync(charge.Request), clock.GetUtcNow()),
        SagaStep.LookUpCharge lookUp => saga.ChargeLookedUp(await gateway.GetChargeAsync(lookUp.IdempotencyKey), clock.GetUtcNow()),
        SagaStep.Sell sell => saga.Sold(await Task.WhenAll(sell.Parts.Select(p => Block(p.Block).Sell(Id))), clock.GetUtcNow()),
        SagaStep.HoldAgain again => saga.HeldAgain(await HoldAgainAsync(again), clock.GetUtcNow()),
        SagaStep.Refund refund => saga.Refunded(await gateway.RefundAsync(refund.Request), clock.GetUtcNow()),
        _ => throw new InvalidOperationException($"A saga decision must end with a request or an answer, not {request}."),
    };

    private async Task ApplyAsync(SagaStep effect)
    {
        switch (effect)
        {
            case SagaStep.Persist: await state.WriteOrReloadAsync(DeactivateOnIdle); break;
            case SagaStep.PersistNewHold: await PersistNewHoldAsync(); break;
            case SagaStep.Publish publish:
                await SettleQuotaAsync(publish.Kind);
                AnnounceTickets(publish.Kind);
                CountTransition(publish.Kind);
                break;
            case SagaStep.ReleaseHolds: await ReleaseAllAsync(); break;
            case SagaStep.ReturnSoldSeats: await Task.WhenAll(Booking.Parts.Select(p => Block(p.Block).ReturnSold(Id))); break;
            case SagaStep.ScheduleExpiry expiry: ScheduleExpiry(expiry.At); break;
            case SagaStep.StartResumeReminder:
                _resumeReminder = await this.RegisterOrUpdateReminder(ResumeReminder, sagaOptions.Value.RefundRetryPeriod, sagaOptions.Value.RefundRetryPeriod);
                break;
            case SagaStep.StopResumeReminder: await StopResumeRemindersAsync(); break;
            case SagaStep.LeaveMemory: DeactivateOnIdle(); break;
            default: throw new InvalidOperationException($"{effect} is not an effect: only the last step of a decision may be a request or an answer.");
        }
    }

    /// <summary>
    /// One round trip to the reminder table when this activation registered the reminder (the payment or refund it
    /// ends began here), two otherwise (look it up, then remove it). A legacy-named reminder is only looked for once it
    /// has fired: an old booking's reminder ends at its next tick, and no other booking pays for it.
    /// </summary>
    private async Task StopResumeRemindersAsync()
    {
        var registered = _resumeReminder;
        _resumeReminder = null;
        if (registered is not null)
        {
            try
            {
                await this.UnregisterReminder(registered);
            }
            catch (ReminderException)
            {
                // Registered again since (another activation, after this one's silo was declared dead): remove that one.
                await UnregisterIfPresentAsync(ResumeReminder);
            }
        }
        else
        {
            await UnregisterIfPresentAsync(ResumeReminder);
        }

        if (_legacyReminderFired)
        {
            await UnregisterIfPresentAsync(LegacyRefundReminder);
        }
    }

    private async Task UnregisterIfPresentAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task PersistNewHoldAsync()
    {
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
    }

    private Task<HoldOutcome> HoldSeatsAsync(SagaStep.HoldSeats hold)
    {
        var (plan, until) = (hold.Plan, hold.Until);
        return plan.IsBestAvailable
            ? HoldCoordinator.HoldBestAvailableAsync(plan.CandidateBlocks, plan.Quantity,
                (block, quantity, mode) => Block(block).HoldBestAvailable(Id, quantity, mode, until), ReleaseBlock)
            : HoldCoordinator.HoldSpecificAsync(plan.SpecificSeats, part => Block(part.Block).HoldSeats(Id, part.Seats, until), ReleaseBlock);
    }

    private Task<BlockHoldResult> HoldAgainAsync(SagaStep.HoldAgain again)
    {
        var (part, block) = (again.Part, Block(again.Part.Block));
        return part.Seats.Count > 0
            ? block.HoldSeats(Id, part.Seats, again.Until)
            : block.HoldBestAvailable(Id, part.Quantity, BestAvailableMode.AnyInBlock, again.Until);
    }

    /// <summary>Provider latency runs on real time, whatever clock the booking uses.</summary>
    private async Task<GatewayResult> ChargeAsync(ChargeRequest request)
    {
        var started = TimeProvider.System.GetTimestamp();
        var result = await gateway.ChargeAsync(request);
        metrics.PaymentCompleted(TimeProvider.System.GetElapsedTime(started));
        return result;
    }

    /// <summary>
    /// Counts the transition that was just persisted (and, with it, its integration event, which the outbox recorded
    /// and the event log's stream carries to live availability and other consumers).
    /// </summary>
    private void CountTransition(BookingEventKind kind)
    {
        Action? count = kind switch
        {
            BookingEventKind.BookingReleased => metrics.HoldReleased,
            BookingEventKind.BookingExpired => metrics.HoldExpired,
            BookingEventKind.BookingConfirmed => () => metrics.BookingConfirmed(Booking.Quantity),
            BookingEventKind.PaymentFailed => metrics.BookingFailed,
            BookingEventKind.BookingCancelled => metrics.BookingCancelled,
            BookingEventKind.BookingRefunded => metrics.BookingRefunded,
            _ => null,
        };
        count?.Invoke();
    }

    /// <summary>
    /// A sale counts against the customer's purchase limit for good; every other end gives the seats back (one-way:
    /// a hold's quota entry lapses on its own once the hold could no longer exist, so a lost release leaks nothing).
    /// </summary>
    private async Task SettleQuotaAsync(BookingEventKind kind)
    {
        if (Booking.CustomerId is not { } customer || kind == BookingEventKind.BookingHeld)
        {
            return;
        }

        var quota = GrainFactory.GetGrain<ICustomerQuotaGrain>(CustomerQuotaKey.Format(Booking.EventId, customer));
        if (kind != BookingEventKind.BookingConfirmed)
        {
            await quota.Release(Id);
            return;
        }

        try
        {
            await quota.Confirm(Id, Booking.Quantity);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The sale stands; the quota entry of its hold still counts until the hold could have run out.
            logger.LogWarning(e, "Booking {BookingId}: could not confirm the customer's quota", Id);
        }
    }

    /// <summary>
    /// Tells the tickets and the event's check-in ledger of issued and revoked tickets, one-way: nothing on the
    /// payment path waits for them. A lost message costs no admission: a scan asks the booking itself.
    /// </summary>
    private void AnnounceTickets(BookingEventKind kind)
    {
        if (Booking.Tickets.Count == 0 || kind is not (BookingEventKind.BookingConfirmed or BookingEventKind.BookingCancelled or BookingEventKind.BookingRefunded))
        {
            return;
        }

        var ids = Booking.Tickets.Select(t => t.Id).ToList();
        var ledger = GrainFactory.GetGrain<ICheckinLedgerGrain>(Booking.EventId);
        if (kind == BookingEventKind.BookingConfirmed)
        {
            ledger.TicketsIssued(Id, ids).Ignore();
            foreach (var ticket in ids)
            {
                GrainFactory.GetGrain<ITicketGrain>(ticket).Issued(Id, Booking.EventId).Ignore();
            }
        }
        else
        {
            ledger.TicketsRevoked(Id, ids).Ignore();
        }
    }

    private static bool IsNotFound(SagaStep answer) => answer is SagaStep.Reply { Error: BookingCommandError.NotFound };

    private BookingCommandResult CommandResult(SagaStep answer)
    {
        var reply = (SagaStep.Reply)answer;
        return new(IsNotFound(reply) ? null : Booking.ToView(Id, clock.GetUtcNow()), reply.Error, reply.Message);
    }

    private Task ReleaseAllAsync() => Task.WhenAll(Booking.Parts.Select(p => ReleaseBlock(p.Block)));

    private ISeatBlockGrain Block(BlockDefinition block) => GrainFactory.GetGrain<ISeatBlockGrain>(block.GrainKey);

    private Task ReleaseBlock(BlockDefinition block) => Block(block).Release(Id);

    private void ScheduleExpiry(DateTimeOffset at)
    {
        var dueIn = at - clock.GetUtcNow();
        _expiryTimer?.Dispose();
        _expiryTimer = this.RegisterGrainTimer(
            _ => RunAsync(saga => saga.ExpiryDue(clock.GetUtcNow())),
            new GrainTimerCreationOptions { DueTime = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Period = Timeout.InfiniteTimeSpan });
    }
}
