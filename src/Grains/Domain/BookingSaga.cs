using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Payments;
using Ticketing.Grains.Tickets;

namespace Ticketing.Grains.Domain;

/// <summary>
/// The booking's state machine and payment saga, without I/O: Held → PaymentPending → Confirmed | PaymentFailed,
/// Confirmed → Cancelled (through RefundPending while a refund fails), and a late payment whose seats are gone →
/// Refunded. Each command or outcome updates <see cref="Booking"/> and returns the steps the shell runs next.
/// One saga serves one command: a request step must be answered before the next command starts.
/// </summary>
/// <remarks>
/// Money rules live here: the charge and refund idempotency keys are fixed per booking, so no retry charges or
/// refunds twice; a Confirmed booking is never charged again; a charge whose seats are lost is refunded.
/// </remarks>
public sealed class BookingSaga(Guid bookingId, BookingState booking, TimeSpan holdGrace, ITicketSigner? ticketSigner = null)
{
    public const string SeatsLostReason = "The seats could not be sold after the payment (the hold expired while it was in flight and the seats were taken, or the event was cancelled); the payment is refunded.";

    public const string HeldAgainReason = "The hold expired while the payment was in flight; the same seats were still free and were held again.";

    public const string NotFoundMessage = "No such booking.";

    public const string OutcomeUnknownMessage = "The payment provider did not answer in time and the charge cannot be confirmed yet; " +
        "the booking stays PaymentPending and is settled on its own: confirmed if the charge went through, released with nothing charged if not.";

    public const string NeverChargedReason = "the payment was not completed (the provider has no charge for it)";

    private enum Command
    {
        Other,
        Pay,
        Cancel,
        Resume,
    }

    private Command _command;
    private DateTimeOffset _startedAt;
    private SagaStep? _awaiting;
    private string _paymentToken = "";
    private Queue<BookingPart>? _partsToHoldAgain;
    private PaymentRecord _refund = null!;
    private BookingStatus _statusWhenRefunded;
    private BookingEventKind _eventWhenRefunded;
    private string? _unansweredReason;

    public BookingState Booking => booking;

    public string ChargeKey => $"booking-{bookingId:N}-charge";

    public string RefundKey => $"booking-{bookingId:N}-refund";

    /// <summary>The request step the saga waits for an outcome of, if any.</summary>
    public SagaStep? Awaiting => _awaiting;

    // Commands.

    public IReadOnlyList<SagaStep> Hold(BookingPlan plan, DateTimeOffset now)
    {
        Begin(Command.Other, now);
        if (booking.Exists)
        {
            return booking.RequestFingerprint == plan.RequestFingerprint
                ? [SagaStep.Reply.Ok]
                : [new SagaStep.RefuseHold(BookingError.IdempotencyKeyReused, "This idempotency key was already used for a different booking request.", [])];
        }

        return Ask(new SagaStep.HoldSeats(plan, now + plan.HoldDuration));
    }

    public IReadOnlyList<SagaStep> Pay(string paymentToken, DateTimeOffset now)
    {
        Begin(Command.Pay, now);
        if (!booking.Exists)
        {
            return [new SagaStep.Reply(BookingCommandError.NotFound, NotFoundMessage)];
        }

        _paymentToken = paymentToken;
        var steps = ExpireIfDue(now);
        switch (booking.Status)
        {
            case BookingStatus.Confirmed:
                // Paid already: the same answer, and nothing is charged again.
                return [.. steps, SagaStep.Reply.Ok];
            case BookingStatus.Held:
                // Keep the seats held while the provider answers, for a bounded grace period.
                return [.. steps, .. Ask(new SagaStep.ExtendHolds(now + holdGrace))];
            case BookingStatus.PaymentPending:
                // Only after a crash in the middle of a payment: charging again with the same key is safe.
                return [.. steps, .. Ask(ChargeStep())];
            default:
                return [.. steps, NotPayable(now)];
        }
    }

    public IReadOnlyList<SagaStep> Cancel(DateTimeOffset now)
    {
        Begin(Command.Cancel, now);
        if (!booking.Exists)
        {
            return [new SagaStep.Reply(BookingCommandError.NotFound, NotFoundMessage)];
        }

        var steps = ExpireIfDue(now);
        switch (booking.Status)
        {
            case BookingStatus.Held:
                return [.. steps, .. End(BookingStatus.Released, BookingEventKind.BookingReleased, now, letSeatsGo: true), SagaStep.Reply.Ok];
            case BookingStatus.Confirmed:
                // Refund first, then the seats go back on sale; a refund that fails is retried by a reminder.
                return [.. steps, .. StartRefund(BookingStatus.Cancelled, BookingEventKind.BookingCancelled, now)];
            case BookingStatus.Cancelled:
            case BookingStatus.RefundPending when booking.StatusAfterRefund == BookingStatus.Cancelled:
                // Repeating a cancellation also finishes one that stopped half-way.
                return [.. steps, new SagaStep.ReturnSoldSeats(), SagaStep.Reply.Ok];
            default:
                return [.. steps, new SagaStep.Reply(BookingCommandError.NotCancellable, $"A booking that is {booking.Status} cannot be cancelled.")];
        }
    }

    /// <summary>
    /// The customer lets the hold go. Only a live hold is released; a booking that is paid or being paid is refused
    /// (only a cancellation gives its money back); an ended one is left as it is.
    /// </summary>
    public IReadOnlyList<SagaStep> Release(DateTimeOffset now)
    {
        Begin(Command.Other, now);
        if (!booking.Exists)
        {
            return [new SagaStep.Reply(BookingCommandError.NotFound, NotFoundMessage)];
        }

        if (booking.Status is BookingStatus.PaymentPending or BookingStatus.Confirmed or BookingStatus.RefundPending)
        {
            return [new SagaStep.Reply(BookingCommandError.NotReleasable,
                $"A booking that is {booking.Status} is paid or being paid and cannot be released; cancel it instead (a confirmed booking is refunded).")];
        }

        if (booking.Status == BookingStatus.Released)
        {
            // Released already: asking again also finishes a release whose seats were not all let go (a block out of reach).
            return [new SagaStep.ReleaseHolds(), SagaStep.Reply.Ok];
        }

        return booking.IsHeldAt(now)
            ? [.. End(BookingStatus.Released, BookingEventKind.BookingReleased, now, letSeatsGo: true), SagaStep.Reply.Ok]
            : [.. ExpireIfDue(now), SagaStep.Reply.Ok];
    }

    /// <summary>
    /// The expiry timer fired, or someone reads the booking. The seat blocks free the seats on their own timers at
    /// the same instant, so nothing needs releasing from here.
    /// </summary>
    public IReadOnlyList<SagaStep> ExpiryDue(DateTimeOffset now)
    {
        Begin(Command.Other, now);
        return booking.Exists
            ? [.. ExpireIfDue(now), SagaStep.Reply.Ok]
            : [new SagaStep.Reply(BookingCommandError.NotFound, NotFoundMessage)];
    }

    /// <summary>
    /// The resume reminder fired: a booking left PaymentPending (its silo died mid-payment, or the provider did not
    /// answer) asks the provider what became of its charge; a RefundPending one tries its refund again; a PaymentFailed
    /// one asks its blocks again to let its seats go. Anything else has ended, and the reminder stops.
    /// </summary>
    public IReadOnlyList<SagaStep> ResumeDue(DateTimeOffset now)
    {
        Begin(Command.Resume, now);
        return booking switch
        {
            { Exists: false } => [new SagaStep.StopResumeReminder(), SagaStep.Reply.Ok],
            { Status: BookingStatus.PaymentPending } => Ask(new SagaStep.LookUpCharge(ChargeKey)),
            { Status: BookingStatus.RefundPending } => StartRefund(booking.StatusAfterRefund, BookingEventKind.BookingRefunded, now),
            { Status: BookingStatus.PaymentFailed } => [new SagaStep.ReleaseHolds(), new SagaStep.StopResumeReminder(), SagaStep.Reply.Ok],
            _ => [new SagaStep.StopResumeReminder(), SagaStep.Reply.Ok],
        };
    }

    // Outcomes of requests.

    public IReadOnlyList<SagaStep> SeatsHeld(HoldOutcome outcome, DateTimeOffset now)
    {
        var request = Expect<SagaStep.HoldSeats>();
        var plan = request.Plan;
        if (!outcome.Succeeded)
        {
            return outcome.Refusal switch
            {
                HoldRefusal.NotOnSale => [new SagaStep.RefuseHold(BookingError.NotOnSale, "The event is not on sale.", [])],
                HoldRefusal.NotEnoughSeats => [new SagaStep.RefuseHold(BookingError.SeatsUnavailable,
                    $"Not enough seats are left in section {plan.Section}: {plan.Quantity} requested, {outcome.FreeSeen} free.", [])],
                _ => [new SagaStep.RefuseHold(BookingError.SeatsUnavailable,
                    $"Seats not available: {string.Join(", ", outcome.UnavailableSeats)}.", outcome.UnavailableSeats)],
            };
        }

        booking.EventId = plan.EventId;
        booking.Email = plan.Email;
        booking.CustomerId = plan.CustomerId;
        booking.RequestFingerprint = plan.RequestFingerprint;
        booking.Status = BookingStatus.Held;
        booking.Seats = outcome.Parts
            .SelectMany(p => p.Result.Seats.Select(seat => seat.ToSeatId(p.Block.SectionId)))
            .ToList();
        booking.Section = plan.Section;
        booking.Quantity = outcome.Parts.Sum(p => p.Result.Quantity);
        // A retry after a crash finds the first attempt's holds, which end when they ended then: the booking
        // reports when its seats are really let go, the earliest of its blocks.
        booking.ExpiresAt = outcome.Parts
            .Select(p => p.Result.ExpiresAt ?? request.Until)
            .DefaultIfEmpty(request.Until)
            .Min();
        booking.Total = plan.Total;
        booking.CreatedAt = _startedAt;
        booking.Parts = outcome.Parts.Select(p => new BookingPart(p.Block, p.Result.Seats, p.Result.Quantity)).ToList();
        return
        [
            new SagaStep.PersistNewHold(),
            new SagaStep.ScheduleExpiry(booking.ExpiresAt),
            new SagaStep.Publish(BookingEventKind.BookingHeld, _startedAt),
            SagaStep.Reply.Ok,
        ];
    }

    public IReadOnlyList<SagaStep> HoldsExtended(bool everyPartExtended, DateTimeOffset now)
    {
        Expect<SagaStep.ExtendHolds>();
        if (!everyPartExtended)
        {
            // A block already let the hold go (its clock reached the expiry first).
            return [.. End(BookingStatus.Expired, BookingEventKind.BookingExpired, now, letSeatsGo: true), NotPayable(now)];
        }

        booking.Status = BookingStatus.PaymentPending;
        booking.Payment = new PaymentRecord($"pay_{bookingId:N}", PaymentKind.Charge, booking.Total, PaymentStatus.Pending, null, null, now, null, 0);
        return [new SagaStep.StartResumeReminder(), new SagaStep.Persist(), .. Ask(ChargeStep())];
    }

    public IReadOnlyList<SagaStep> Charged(GatewayResult result, DateTimeOffset now)
    {
        Expect<SagaStep.Charge>();
        if (result.Outcome == GatewayOutcome.TimedOut)
        {
            // No answer is not a "no": the charge may have gone through. Ask the provider before deciding.
            booking.Payment = booking.Payment! with { Attempts = booking.Payment.Attempts + result.Attempts };
            _unansweredReason = result.Reason;
            return Ask(new SagaStep.LookUpCharge(ChargeKey));
        }

        return Settle(result, now);
    }

    /// <summary>
    /// What the provider says about the charge under the booking's key: its answer settles the payment; no charge at
    /// all fails it (nothing was taken); no answer again leaves it PaymentPending for the resume reminder.
    /// </summary>
    public IReadOnlyList<SagaStep> ChargeLookedUp(GatewayResult result, DateTimeOffset now)
    {
        Expect<SagaStep.LookUpCharge>();
        switch (result.Outcome)
        {
            case GatewayOutcome.Succeeded:
            case GatewayOutcome.Declined:
                return Settle(result with { Attempts = 0 }, now);
            case GatewayOutcome.NotFound:
                return Settle(new GatewayResult(GatewayOutcome.TimedOut, null, _unansweredReason ?? NeverChargedReason, 0), now);
            default:
                return _command == Command.Pay
                    ? [new SagaStep.Reply(BookingCommandError.GatewayTimeout, OutcomeUnknownMessage)]
                    : [SagaStep.Reply.Ok];
        }
    }

    /// <summary>The provider's final answer to the charge: sell the seats, or fail the payment and free them.</summary>
    private List<SagaStep> Settle(GatewayResult result, DateTimeOffset now)
    {
        booking.Payment = booking.Payment! with
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
            Attempts = booking.Payment.Attempts + result.Attempts,
        };

        if (result.Outcome == GatewayOutcome.Succeeded)
        {
            return Ask(new SagaStep.Sell(booking.Parts));
        }

        booking.Reason = $"Payment failed: {result.Reason}";
        var error = result.Outcome switch
        {
            GatewayOutcome.Declined => BookingCommandError.Declined,
            GatewayOutcome.TimedOut => BookingCommandError.GatewayTimeout,
            _ => BookingCommandError.GatewayUnavailable,
        };
        return
        [
            .. End(BookingStatus.PaymentFailed, BookingEventKind.PaymentFailed, now, letSeatsGo: true),
            new SagaStep.Reply(error, booking.Reason),
        ];
    }

    /// <summary>
    /// After the charge: one flag per part sold. A part whose hold ran out during the payment is held again (the
    /// same seats, or the same quantity in the same block) and sold, if it is still free; otherwise the money goes back.
    /// </summary>
    public IReadOnlyList<SagaStep> Sold(IReadOnlyList<bool> soldPerPart, DateTimeOffset now)
    {
        var request = Expect<SagaStep.Sell>();
        if (soldPerPart.Count != request.Parts.Count)
        {
            throw new ArgumentException($"Expected {request.Parts.Count} flags, one per part.", nameof(soldPerPart));
        }

        if (_partsToHoldAgain is null)
        {
            _partsToHoldAgain = new Queue<BookingPart>(request.Parts.Where((_, i) => !soldPerPart[i]));
            if (_partsToHoldAgain.Count == 0)
            {
                return Confirm(now);
            }
        }
        else if (soldPerPart[0])
        {
            _partsToHoldAgain.Dequeue();
            if (_partsToHoldAgain.Count == 0)
            {
                booking.Reason = HeldAgainReason;
                return Confirm(now);
            }
        }
        else
        {
            return SeatsLost(now);
        }

        return Ask(new SagaStep.HoldAgain(_partsToHoldAgain.Peek(), now + holdGrace));
    }

    public IReadOnlyList<SagaStep> HeldAgain(BlockHoldResult result, DateTimeOffset now)
    {
        var request = Expect<SagaStep.HoldAgain>();
        return result.Succeeded && result.Quantity == request.Part.Quantity
            ? Ask(new SagaStep.Sell([request.Part]))
            : SeatsLost(now);
    }

    public IReadOnlyList<SagaStep> Refunded(GatewayResult result, DateTimeOffset now)
    {
        Expect<SagaStep.Refund>();
        var succeeded = result.Outcome == GatewayOutcome.Succeeded;
        booking.Refunds[booking.Refunds.IndexOf(_refund)] = _refund with
        {
            Status = succeeded ? PaymentStatus.Succeeded : PaymentStatus.Failed,
            GatewayReference = result.Reference,
            Reason = result.Reason,
            CompletedAt = succeeded ? now : null,
            Attempts = _refund.Attempts + result.Attempts,
        };

        List<SagaStep> steps;
        if (succeeded)
        {
            steps = [.. End(_statusWhenRefunded, _eventWhenRefunded, now), new SagaStep.StopResumeReminder()];
        }
        else
        {
            // Still RefundPending, as recorded (with its reminder) before the provider was asked.
            steps = [new SagaStep.Persist()];
        }

        switch (_command)
        {
            case Command.Pay:
                steps.Add(new SagaStep.Reply(BookingCommandError.SeatsLost, booking.Reason));
                break;
            case Command.Cancel:
                steps.Add(new SagaStep.ReturnSoldSeats());
                if (!succeeded)
                {
                    // The cancellation stands even while its refund is retried.
                    steps.Add(new SagaStep.Publish(BookingEventKind.BookingCancelled, now));
                }

                steps.Add(SagaStep.Reply.Ok);
                break;
            case Command.Resume when _statusWhenRefunded == BookingStatus.Cancelled:
                // A cancellation interrupted after its RefundPending was stored: its seats go back on sale too.
                steps.Add(new SagaStep.ReturnSoldSeats());
                steps.Add(SagaStep.Reply.Ok);
                break;
            default:
                steps.Add(SagaStep.Reply.Ok);
                break;
        }

        return steps;
    }

    // Rules shared by the paths above.

    private void Begin(Command command, DateTimeOffset now)
    {
        _command = command;
        _startedAt = now;
        _awaiting = null;
        _partsToHoldAgain = null;
        _unansweredReason = null;
    }

    private List<SagaStep> Ask(SagaStep request)
    {
        _awaiting = request;
        return [request];
    }

    private T Expect<T>() where T : SagaStep
    {
        if (_awaiting is not T request)
        {
            throw new InvalidOperationException(
                $"The saga is not waiting for the outcome of {typeof(T).Name} (waiting for: {_awaiting?.GetType().Name ?? "nothing"}).");
        }

        _awaiting = null;
        return request;
    }

    private SagaStep.Charge ChargeStep() =>
        new(new ChargeRequest(ChargeKey, _paymentToken, booking.Total, $"Booking {bookingId}"));

    private List<SagaStep> Confirm(DateTimeOffset now)
    {
        booking.IssueTickets(bookingId, ticketSigner);
        return [.. End(BookingStatus.Confirmed, BookingEventKind.BookingConfirmed, now), SagaStep.Reply.Ok];
    }

    /// <summary>Paid, but the seats cannot be sold (taken by others after the hold ran out, or the event was cancelled).</summary>
    private List<SagaStep> SeatsLost(DateTimeOffset now)
    {
        booking.Reason = SeatsLostReason;
        return [new SagaStep.ReleaseHolds(), new SagaStep.ReturnSoldSeats(), .. StartRefund(BookingStatus.Refunded, BookingEventKind.BookingRefunded, now)];
    }

    /// <summary>Refunds the charge in full; a refund tried before and failed is tried again under the same record and key.</summary>
    private List<SagaStep> StartRefund(BookingStatus whenRefunded, BookingEventKind eventWhenRefunded, DateTimeOffset now)
    {
        _refund = booking.Refunds.LastOrDefault(r => r.Status != PaymentStatus.Succeeded)
            ?? new PaymentRecord($"ref_{bookingId:N}", PaymentKind.Refund, booking.Total, PaymentStatus.Pending, null, null, now, null, 0);
        if (!booking.Refunds.Contains(_refund))
        {
            booking.Refunds.Add(_refund);
        }

        _statusWhenRefunded = whenRefunded;
        _eventWhenRefunded = eventWhenRefunded;
        List<SagaStep> steps = [];
        if (booking.Status != BookingStatus.RefundPending)
        {
            // Stored, with its reminder, before the provider is asked: a refund cut off by a crash is resumed, never lost.
            booking.Status = BookingStatus.RefundPending;
            booking.StatusAfterRefund = whenRefunded;
            steps = [new SagaStep.StartResumeReminder(), new SagaStep.Persist()];
        }

        return [.. steps, .. Ask(new SagaStep.Refund(new RefundRequest(RefundKey, booking.Payment!.GatewayReference!, booking.Total)))];
    }

    private List<SagaStep> ExpireIfDue(DateTimeOffset now) =>
        booking.ExpireIfDue(now)
            ? [new SagaStep.Persist(), new SagaStep.Publish(BookingEventKind.BookingExpired, now), new SagaStep.LeaveMemory()]
            : [];

    /// <summary>
    /// Every end state holds nothing any more, so the activation may leave memory. An end that gives held seats back
    /// (<paramref name="letSeatsGo"/>) is stored first, then the blocks let them go: cut off in between (a crash, a block
    /// out of reach), the seats stay held for a booking that has ended until the hold runs out or the release is
    /// finished; the other order would leave a booking that says Held while its seats are on sale to others.
    /// </summary>
    private List<SagaStep> End(BookingStatus status, BookingEventKind kind, DateTimeOffset now, bool letSeatsGo = false)
    {
        booking.Status = status;
        booking.EndedAt = now;
        List<SagaStep> steps = [new SagaStep.Persist(), new SagaStep.Publish(kind, now)];
        if (letSeatsGo)
        {
            steps.Add(new SagaStep.ReleaseHolds());
        }

        steps.Add(new SagaStep.LeaveMemory());
        return steps;
    }

    private SagaStep.Reply NotPayable(DateTimeOffset now)
    {
        var status = booking.StatusAt(now);
        return new SagaStep.Reply(BookingCommandError.NotPayable,
            $"A booking that is {status} cannot be paid{(status == BookingStatus.PaymentFailed ? "; its seats were released, book again" : "")}.");
    }
}
