using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Payments;

namespace Ticketing.Grains.Domain;

/// <summary>
/// One thing <see cref="BookingSaga"/> asks its shell to do. A decision is a list of steps run in order: effects
/// first, then exactly one request (whose outcome goes back to the saga) or one answer (which ends the command).
/// </summary>
public abstract record SagaStep
{
    private SagaStep()
    {
    }

    /// <summary>Requests and answers end a decision; effects never do.</summary>
    public bool EndsDecision => this is HoldSeats or ExtendHolds or Charge or LookUpCharge or Sell or HoldAgain or Refund or Reply or RefuseHold;

    // Effects.

    /// <summary>Writes the booking's state.</summary>
    public sealed record Persist : SagaStep;

    /// <summary>Writes a booking that was just held; if that fails, its seats are released and it is forgotten.</summary>
    public sealed record PersistNewHold : SagaStep;

    public sealed record Publish(BookingEventKind Kind, DateTimeOffset At) : SagaStep;

    public sealed record ReleaseHolds : SagaStep;

    public sealed record ReturnSoldSeats : SagaStep;

    /// <summary>Marks the booking Expired at <paramref name="At"/> unless something else ended it first.</summary>
    public sealed record ScheduleExpiry(DateTimeOffset At) : SagaStep;

    /// <summary>
    /// Registers the durable reminder that resumes a PaymentPending or RefundPending booking after a crash. It comes
    /// before the Persist of the state that needs it, so no such state is ever stored without its reminder.
    /// </summary>
    public sealed record StartResumeReminder : SagaStep;

    public sealed record StopResumeReminder : SagaStep;

    /// <summary>The booking holds nothing any more: its activation need not wait out the idle age.</summary>
    public sealed record LeaveMemory : SagaStep;

    // Requests: the outcome goes back to the saga method named in each.

    /// <summary>Hold the plan's seats until <paramref name="Until"/>; answer with <see cref="BookingSaga.SeatsHeld"/>.</summary>
    public sealed record HoldSeats(BookingPlan Plan, DateTimeOffset Until) : SagaStep;

    /// <summary>Keep every part held until <paramref name="Until"/>; answer with <see cref="BookingSaga.HoldsExtended"/>.</summary>
    public sealed record ExtendHolds(DateTimeOffset Until) : SagaStep;

    /// <summary>Answer with <see cref="BookingSaga.Charged"/>.</summary>
    public sealed record Charge(ChargeRequest Request) : SagaStep;

    /// <summary>Ask the provider what became of the charge under this key; answer with <see cref="BookingSaga.ChargeLookedUp"/>.</summary>
    public sealed record LookUpCharge(string IdempotencyKey) : SagaStep;

    /// <summary>Sell what each part holds; answer with <see cref="BookingSaga.Sold"/>, one flag per part.</summary>
    public sealed record Sell(IReadOnlyList<BookingPart> Parts) : SagaStep;

    /// <summary>Hold a part's seats (or quantity) again; answer with <see cref="BookingSaga.HeldAgain"/>.</summary>
    public sealed record HoldAgain(BookingPart Part, DateTimeOffset Until) : SagaStep;

    /// <summary>Answer with <see cref="BookingSaga.Refunded"/>.</summary>
    public sealed record Refund(RefundRequest Request) : SagaStep;

    // Answers to the caller.

    public sealed record Reply(BookingCommandError Error, string? Message) : SagaStep
    {
        public static readonly Reply Ok = new(BookingCommandError.None, null);
    }

    public sealed record RefuseHold(BookingError Error, string Message, IReadOnlyList<string> UnavailableSeats) : SagaStep;
}
