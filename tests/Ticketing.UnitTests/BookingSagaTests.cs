using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Grains.Payments;

namespace Ticketing.UnitTests;

/// <summary>The booking's state machine and payment saga, driven by hand: no cluster, no gateway, no storage.</summary>
public sealed class BookingSagaTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset HoldExpiry = Now.AddMinutes(10);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);
    private static readonly Guid BookingId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly Money Total = new(20, "EUR");
    private static readonly BlockDefinition Block0 = new(Guid.Empty, 0, "A", SectionKind.Seated, 1, 2, 10, 0);
    private static readonly BlockDefinition Block1 = new(Guid.Empty, 1, "A", SectionKind.Seated, 3, 2, 10, 0);
    private static readonly BookingPart Part0 = new(Block0, [new SeatPosition(1, 1)], 1);
    private static readonly BookingPart Part1 = new(Block1, [new SeatPosition(3, 1)], 1);

    private const string Fingerprint = "fingerprint-1";
    private const string ChargeReference = "ch_1";

    // Step lists as short text, so that expectations read like the saga's decisions.
    private const string Ok = "Reply";
    private const string Release = "Persist, Publish BookingReleased, ReleaseHolds, LeaveMemory, Reply";
    private const string Expire = "Persist, Publish BookingExpired, LeaveMemory";
    private const string StopRetries = "StopResumeReminder, Reply";
    private const string Reused = "RefuseHold IdempotencyKeyReused";
    private const string NotPayable = "Reply NotPayable";
    private const string NotCancellable = "Reply NotCancellable";
    private const string NotReleasable = "Reply NotReleasable";

    /// <summary>A booking as it stands in each status, with what the earlier steps of its life left behind.</summary>
    private static BookingState InStatus(BookingStatus status)
    {
        var booking = new BookingState
        {
            EventId = Guid.Parse("6b29fc40-ca47-1067-b31d-00dd010662da"),
            Email = "a@example.com",
            RequestFingerprint = Fingerprint,
            Status = status,
            Seats = ["A-1-1", "A-3-1"],
            Section = "A",
            Quantity = 2,
            ExpiresAt = HoldExpiry,
            Total = Total,
            CreatedAt = Now.AddMinutes(-1),
            Parts = [Part0, Part1],
        };
        if (status is not (BookingStatus.Held or BookingStatus.Released or BookingStatus.Expired))
        {
            var paid = status is BookingStatus.Confirmed or BookingStatus.Cancelled or BookingStatus.RefundPending or BookingStatus.Refunded;
            booking.Payment = new PaymentRecord("pay_1", PaymentKind.Charge, Total,
                status == BookingStatus.PaymentPending ? PaymentStatus.Pending : paid ? PaymentStatus.Succeeded : PaymentStatus.Declined,
                status == BookingStatus.PaymentPending ? null : ChargeReference, null, Now.AddMinutes(-1), null, 1);
        }

        if (status == BookingStatus.RefundPending)
        {
            booking.StatusAfterRefund = BookingStatus.Cancelled;
            booking.Refunds.Add(new PaymentRecord("ref_1", PaymentKind.Refund, Total, PaymentStatus.Failed, null, "refund_failed", Now.AddMinutes(-1), null, 1));
        }

        return booking;
    }

    private static BookingSaga SagaOver(BookingState booking) => new(BookingId, booking, Grace);

    private static BookingPlan Plan(string fingerprint = Fingerprint) =>
        new(Guid.Empty, "a@example.com", fingerprint, TimeSpan.FromMinutes(10), Total, "A", 2,
            [new BlockSeats(Block0, [new SeatPosition(1, 1)]), new BlockSeats(Block1, [new SeatPosition(3, 1)])], []);

    private static GatewayResult Gateway(GatewayOutcome outcome, int attempts = 1) =>
        new(outcome, outcome == GatewayOutcome.Succeeded ? "gw_ref" : null, outcome == GatewayOutcome.Succeeded ? null : outcome.ToString(), attempts);

    private static string Describe(IEnumerable<SagaStep> steps) => string.Join(", ", steps.Select(step => step switch
    {
        SagaStep.Publish publish => $"Publish {publish.Kind}",
        SagaStep.Reply { Error: BookingCommandError.None } => "Reply",
        SagaStep.Reply reply => $"Reply {reply.Error}",
        SagaStep.RefuseHold refusal => $"RefuseHold {refusal.Error}",
        SagaStep.Sell sell => $"Sell {sell.Parts.Count}",
        _ => step.GetType().Name,
    }));

    private static T Last<T>(IReadOnlyList<SagaStep> steps) where T : SagaStep => Assert.IsType<T>(steps[^1]);

    // Every status × every command: the exact steps and the status they leave. The hold has not run out yet.

    public static TheoryData<BookingStatus, string, string, BookingStatus> EveryStatusAndCommand()
    {
        var data = new TheoryData<BookingStatus, string, string, BookingStatus>();
        void Row(BookingStatus status, string holdSame, string holdOther, string pay, string cancel, string release, string expiry, string reminder,
            BookingStatus afterPay, BookingStatus afterCancel, BookingStatus afterRelease)
        {
            data.Add(status, "HoldSamePlan", holdSame, status);
            data.Add(status, "HoldOtherPlan", holdOther, status);
            data.Add(status, "Pay", pay, afterPay);
            data.Add(status, "Cancel", cancel, afterCancel);
            data.Add(status, "Release", release, afterRelease);
            data.Add(status, "ExpiryDue", expiry, status);
            data.Add(status, "RefundReminder", reminder, status);
        }

        Row(BookingStatus.Held, Ok, Reused, "ExtendHolds", Release, Release, Ok, StopRetries,
            BookingStatus.Held, BookingStatus.Released, BookingStatus.Released);
        Row(BookingStatus.Released, Ok, Reused, NotPayable, NotCancellable, "ReleaseHolds, Reply", Ok, StopRetries,
            BookingStatus.Released, BookingStatus.Released, BookingStatus.Released);
        Row(BookingStatus.Expired, Ok, Reused, NotPayable, NotCancellable, Ok, Ok, StopRetries,
            BookingStatus.Expired, BookingStatus.Expired, BookingStatus.Expired);
        Row(BookingStatus.PaymentPending, Ok, Reused, "Charge", NotCancellable, NotReleasable, Ok, "LookUpCharge",
            BookingStatus.PaymentPending, BookingStatus.PaymentPending, BookingStatus.PaymentPending);
        Row(BookingStatus.Confirmed, Ok, Reused, Ok, "StartResumeReminder, Persist, Refund", NotReleasable, Ok, StopRetries,
            BookingStatus.Confirmed, BookingStatus.RefundPending, BookingStatus.Confirmed);
        Row(BookingStatus.PaymentFailed, Ok, Reused, NotPayable, NotCancellable, Ok, Ok, "ReleaseHolds, " + StopRetries,
            BookingStatus.PaymentFailed, BookingStatus.PaymentFailed, BookingStatus.PaymentFailed);
        Row(BookingStatus.Cancelled, Ok, Reused, NotPayable, "ReturnSoldSeats, Reply", Ok, Ok, StopRetries,
            BookingStatus.Cancelled, BookingStatus.Cancelled, BookingStatus.Cancelled);
        Row(BookingStatus.RefundPending, Ok, Reused, NotPayable, "ReturnSoldSeats, Reply", NotReleasable, Ok, "Refund",
            BookingStatus.RefundPending, BookingStatus.RefundPending, BookingStatus.RefundPending);
        Row(BookingStatus.Refunded, Ok, Reused, NotPayable, NotCancellable, Ok, Ok, StopRetries,
            BookingStatus.Refunded, BookingStatus.Refunded, BookingStatus.Refunded);
        return data;
    }

    [Fact]
    public void The_matrix_covers_every_status_and_every_command()
    {
        var rows = EveryStatusAndCommand().Select(row => ((BookingStatus)row[0], (string)row[1])).ToList();

        Assert.Equal(Enum.GetValues<BookingStatus>().Length * 7, rows.Distinct().Count());
        Assert.All(Enum.GetValues<BookingStatus>(), status => Assert.Equal(7, rows.Count(r => r.Item1 == status)));
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndCommand))]
    public void Each_command_in_each_status_decides_exactly_these_steps(BookingStatus status, string command, string expectedSteps, BookingStatus expectedStatus)
    {
        var booking = InStatus(status);
        var saga = SagaOver(booking);

        var steps = command switch
        {
            "HoldSamePlan" => saga.Hold(Plan(), Now),
            "HoldOtherPlan" => saga.Hold(Plan("another request"), Now),
            "Pay" => saga.Pay("tok_visa", Now),
            "Cancel" => saga.Cancel(Now),
            "Release" => saga.Release(Now),
            "ExpiryDue" => saga.ExpiryDue(Now),
            "RefundReminder" => saga.ResumeDue(Now),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        Assert.Equal(expectedSteps, Describe(steps));
        Assert.Equal(expectedStatus, booking.Status);
        Assert.True(steps[^1].EndsDecision);
        Assert.All(steps.SkipLast(1), step => Assert.False(step.EndsDecision));
        Assert.Equal(steps[^1] is SagaStep.Reply or SagaStep.RefuseHold ? null : steps[^1], saga.Awaiting);
    }

    /// <summary>An outcome with no request waiting for it is refused, in any status, and changes nothing.</summary>
    public static TheoryData<BookingStatus, string> EveryStatusAndUnrequestedOutcome()
    {
        var data = new TheoryData<BookingStatus, string>();
        foreach (var status in Enum.GetValues<BookingStatus>())
        {
            foreach (var outcome in new[] { "SeatsHeld", "HoldsExtended", "Charged", "ChargeLookedUp", "Sold", "HeldAgain", "Refunded" })
            {
                data.Add(status, outcome);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndUnrequestedOutcome))]
    public void An_outcome_nobody_asked_for_is_refused_and_changes_nothing(BookingStatus status, string outcome)
    {
        var booking = InStatus(status);
        var saga = SagaOver(booking);
        var before = (booking.Status, booking.Payment, booking.Refunds.Count, booking.Tickets.Count, booking.EndedAt);

        Action feed = outcome switch
        {
            "SeatsHeld" => () => saga.SeatsHeld(new HoldOutcome(HoldRefusal.None, [], [], 0), Now),
            "HoldsExtended" => () => saga.HoldsExtended(true, Now),
            "Charged" => () => saga.Charged(Gateway(GatewayOutcome.Succeeded), Now),
            "ChargeLookedUp" => () => saga.ChargeLookedUp(Gateway(GatewayOutcome.Succeeded), Now),
            "Sold" => () => saga.Sold([true, true], Now),
            "HeldAgain" => () => saga.HeldAgain(BlockHoldResult.Held([new SeatPosition(1, 1)], 1, 0), Now),
            "Refunded" => () => saga.Refunded(Gateway(GatewayOutcome.Succeeded), Now),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        };

        Assert.Throws<InvalidOperationException>(feed);
        Assert.Equal(before, (booking.Status, booking.Payment, booking.Refunds.Count, booking.Tickets.Count, booking.EndedAt));
    }

    [Fact]
    public void The_outcome_of_a_different_request_is_refused()
    {
        var saga = SagaOver(InStatus(BookingStatus.Held));
        saga.Pay("tok_visa", Now);

        Assert.Throws<InvalidOperationException>(() => saga.Charged(Gateway(GatewayOutcome.Succeeded), Now));
        Assert.IsType<SagaStep.ExtendHolds>(saga.Awaiting);
    }

    [Theory]
    [InlineData("Pay", "Reply NotFound")]
    [InlineData("Cancel", "Reply NotFound")]
    [InlineData("Release", "Reply NotFound")]
    [InlineData("ExpiryDue", "Reply NotFound")]
    [InlineData("RefundReminder", StopRetries)]
    public void Commands_on_a_booking_that_was_never_held_find_nothing(string command, string expectedSteps)
    {
        var saga = SagaOver(new BookingState());

        var steps = command switch
        {
            "Pay" => saga.Pay("tok_visa", Now),
            "Cancel" => saga.Cancel(Now),
            "Release" => saga.Release(Now),
            "ExpiryDue" => saga.ExpiryDue(Now),
            _ => saga.ResumeDue(Now),
        };

        Assert.Equal(expectedSteps, Describe(steps));
        Assert.False(saga.Booking.Exists);
    }

    // Holding.

    [Fact]
    public void A_new_hold_records_the_seats_persists_schedules_its_expiry_and_announces_it()
    {
        var booking = new BookingState();
        var saga = SagaOver(booking);
        var request = Last<SagaStep.HoldSeats>(saga.Hold(Plan(), Now));
        Assert.Equal(HoldExpiry, request.Until);

        var outcome = new HoldOutcome(HoldRefusal.None,
            [new HeldPart(Block0, BlockHoldResult.Held([new SeatPosition(1, 1)], 1, 9)), new HeldPart(Block1, BlockHoldResult.Held([new SeatPosition(3, 1)], 1, 9))], [], 18);
        var steps = saga.SeatsHeld(outcome, Now.AddSeconds(1));

        Assert.Equal("PersistNewHold, ScheduleExpiry, Publish BookingHeld, Reply", Describe(steps));
        Assert.Equal(HoldExpiry, Assert.IsType<SagaStep.ScheduleExpiry>(steps[1]).At);
        Assert.Equal((BookingStatus.Held, 2, HoldExpiry, Now, Fingerprint), (booking.Status, booking.Quantity, booking.ExpiresAt, booking.CreatedAt, booking.RequestFingerprint));
        Assert.Equal(["A-1-1", "A-3-1"], booking.Seats);
        Assert.Equal([Block0, Block1], booking.Parts.Select(p => p.Block));
    }

    [Fact]
    public void A_retried_hold_takes_the_expiry_its_blocks_really_have()
    {
        // The first attempt held both blocks, then its silo died before the booking was written: the retry asks
        // for a later expiry, but the blocks keep the first one, and the earlier of the two lets seats go first.
        var booking = new BookingState();
        var saga = SagaOver(booking);
        var request = Last<SagaStep.HoldSeats>(saga.Hold(Plan(), Now.AddMinutes(3)));
        var firstExpiry = HoldExpiry;

        var outcome = new HoldOutcome(HoldRefusal.None,
        [
            new HeldPart(Block0, BlockHoldResult.Held([new SeatPosition(1, 1)], 1, 9, firstExpiry.AddSeconds(1))),
            new HeldPart(Block1, BlockHoldResult.Held([new SeatPosition(3, 1)], 1, 9, firstExpiry)),
        ], [], 18);
        var steps = saga.SeatsHeld(outcome, Now.AddMinutes(3));

        Assert.Equal(HoldExpiry.AddMinutes(3), request.Until);
        Assert.Equal(firstExpiry, booking.ExpiresAt);
        Assert.Equal(firstExpiry, Assert.IsType<SagaStep.ScheduleExpiry>(steps[1]).At);
    }

    [Theory]
    [InlineData(HoldRefusal.NotOnSale, BookingError.NotOnSale, "The event is not on sale.")]
    [InlineData(HoldRefusal.NotEnoughSeats, BookingError.SeatsUnavailable, "Not enough seats are left in section A: 2 requested, 1 free.")]
    [InlineData(HoldRefusal.SeatsTaken, BookingError.SeatsUnavailable, "Seats not available: A-3-1.")]
    public void A_refused_hold_records_nothing(HoldRefusal refusal, BookingError error, string message)
    {
        var booking = new BookingState();
        var saga = SagaOver(booking);
        saga.Hold(Plan(), Now);

        var steps = saga.SeatsHeld(new HoldOutcome(refusal, [], refusal == HoldRefusal.SeatsTaken ? ["A-3-1"] : [], 1), Now);

        var refused = Assert.IsType<SagaStep.RefuseHold>(Assert.Single(steps));
        Assert.Equal((error, message), (refused.Error, refused.Message));
        Assert.False(booking.Exists);
    }

    // Paying.

    /// <summary>Runs a payment of a Held booking up to its charge; returns the saga waiting for the charge's outcome.</summary>
    private static BookingSaga PaymentInFlight(BookingState booking)
    {
        var saga = SagaOver(booking);
        Assert.Equal(Now + Grace, Last<SagaStep.ExtendHolds>(saga.Pay("tok_visa", Now)).Until);
        var charging = saga.HoldsExtended(true, Now);
        Assert.Equal("StartResumeReminder, Persist, Charge", Describe(charging));
        Assert.Equal(BookingStatus.PaymentPending, booking.Status);
        Assert.Equal(new ChargeRequest($"booking-{BookingId:N}-charge", "tok_visa", Total, $"Booking {BookingId}"), Last<SagaStep.Charge>(charging).Request);
        return saga;
    }

    [Fact]
    public void Paying_charges_sells_every_part_confirms_and_issues_one_ticket_per_seat()
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = PaymentInFlight(booking);

        var selling = saga.Charged(Gateway(GatewayOutcome.Succeeded, attempts: 2), Now.AddSeconds(1));
        Assert.Equal("Sell 2", Describe(selling));
        var steps = saga.Sold([true, true], Now.AddSeconds(2));

        Assert.Equal("Persist, Publish BookingConfirmed, LeaveMemory, Reply", Describe(steps));
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal((PaymentStatus.Succeeded, "gw_ref", 2), (booking.Payment!.Status, booking.Payment.GatewayReference, booking.Payment.Attempts));
        Assert.Equal(["A-1-1", "A-3-1"], booking.Tickets.Select(t => t.Seat));
        Assert.Null(booking.Reason);
    }

    [Theory]
    [InlineData(GatewayOutcome.Declined, BookingCommandError.Declined, PaymentStatus.Declined)]
    [InlineData(GatewayOutcome.Unavailable, BookingCommandError.GatewayUnavailable, PaymentStatus.Failed)]
    public void A_failed_charge_frees_the_seats_and_fails_the_booking(GatewayOutcome outcome, BookingCommandError error, PaymentStatus paymentStatus)
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = PaymentInFlight(booking);

        var steps = saga.Charged(Gateway(outcome, attempts: 3), Now.AddSeconds(1));

        Assert.Equal($"Persist, Publish PaymentFailed, ReleaseHolds, LeaveMemory, Reply {error}", Describe(steps));
        Assert.Equal($"Payment failed: {outcome}", Last<SagaStep.Reply>(steps).Message);
        Assert.Equal((BookingStatus.PaymentFailed, paymentStatus, 3), (booking.Status, booking.Payment!.Status, booking.Payment.Attempts));
        Assert.Empty(booking.Tickets);
        Assert.Equal("A booking that is PaymentFailed cannot be paid; its seats were released, book again.",
            Last<SagaStep.Reply>(SagaOver(booking).Pay("tok_visa", Now)).Message);
    }

    [Fact]
    public void A_charge_that_timed_out_is_not_a_failure_the_saga_asks_the_provider_by_its_key()
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = PaymentInFlight(booking);

        var steps = saga.Charged(Gateway(GatewayOutcome.TimedOut, attempts: 3), Now.AddSeconds(9));

        Assert.Equal("LookUpCharge", Describe(steps));
        Assert.Equal($"booking-{BookingId:N}-charge", Last<SagaStep.LookUpCharge>(steps).IdempotencyKey);
        Assert.Equal((BookingStatus.PaymentPending, PaymentStatus.Pending, 3), (booking.Status, booking.Payment!.Status, booking.Payment.Attempts));
    }

    /// <summary>After a timeout (the customer waits) or from the resume reminder (after a crash): what the provider says decides.</summary>
    public static TheoryData<string, GatewayOutcome, string, BookingStatus> LookupOutcomes()
    {
        var data = new TheoryData<string, GatewayOutcome, string, BookingStatus>();
        foreach (var via in new[] { "timeout", "reminder" })
        {
            data.Add(via, GatewayOutcome.Succeeded, "Sell 2", BookingStatus.PaymentPending);
            data.Add(via, GatewayOutcome.Declined, "Persist, Publish PaymentFailed, ReleaseHolds, LeaveMemory, Reply Declined", BookingStatus.PaymentFailed);
            data.Add(via, GatewayOutcome.NotFound, "Persist, Publish PaymentFailed, ReleaseHolds, LeaveMemory, Reply GatewayTimeout", BookingStatus.PaymentFailed);
            data.Add(via, GatewayOutcome.TimedOut, via == "timeout" ? "Reply GatewayTimeout" : "Reply", BookingStatus.PaymentPending);
            data.Add(via, GatewayOutcome.Unavailable, via == "timeout" ? "Reply GatewayTimeout" : "Reply", BookingStatus.PaymentPending);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LookupOutcomes))]
    public void The_provider_s_record_of_the_charge_settles_a_payment_whose_outcome_was_unknown(
        string via, GatewayOutcome lookup, string expectedSteps, BookingStatus expectedStatus)
    {
        var booking = InStatus(BookingStatus.Held);
        BookingSaga saga;
        if (via == "timeout")
        {
            saga = PaymentInFlight(booking);
            saga.Charged(Gateway(GatewayOutcome.TimedOut, attempts: 3), Now);
        }
        else
        {
            // The silo died while the charge was in flight: only the stored PaymentPending is left.
            PaymentInFlight(booking);
            saga = SagaOver(booking);
            Assert.Equal("LookUpCharge", Describe(saga.ResumeDue(Now.AddMinutes(1))));
        }

        var steps = saga.ChargeLookedUp(Gateway(lookup, attempts: 1), Now.AddMinutes(1));

        Assert.Equal(expectedSteps, Describe(steps));
        Assert.Equal(expectedStatus, booking.Status);
        Assert.Equal(via == "timeout" ? 3 : 0, booking.Payment!.Attempts);
        if (lookup is GatewayOutcome.TimedOut or GatewayOutcome.Unavailable)
        {
            // Still unknown: nothing is freed or failed; the resume reminder asks again later.
            Assert.Equal(PaymentStatus.Pending, booking.Payment.Status);
            Assert.DoesNotContain(steps, s => s is SagaStep.ReleaseHolds or SagaStep.Persist);
            if (via == "timeout")
            {
                Assert.Equal(BookingSaga.OutcomeUnknownMessage, Last<SagaStep.Reply>(steps).Message);
            }
        }

        if (lookup == GatewayOutcome.Succeeded)
        {
            Assert.Equal("Persist, Publish BookingConfirmed, LeaveMemory, Reply", Describe(saga.Sold([true, true], Now.AddMinutes(1))));
            Assert.Equal((BookingStatus.Confirmed, PaymentStatus.Succeeded, "gw_ref"), (booking.Status, booking.Payment.Status, booking.Payment.GatewayReference));
            Assert.Equal(2, booking.Tickets.Count);
        }

        if (lookup == GatewayOutcome.NotFound)
        {
            Assert.Equal(PaymentStatus.Failed, booking.Payment.Status);
            Assert.Equal(via == "timeout" ? "Payment failed: TimedOut" : $"Payment failed: {BookingSaga.NeverChargedReason}", booking.Reason);
        }
    }

    [Fact]
    public void The_resume_reminder_stops_itself_once_the_booking_has_ended()
    {
        foreach (var status in new[] { BookingStatus.Confirmed, BookingStatus.Cancelled, BookingStatus.Refunded, BookingStatus.Held })
        {
            Assert.Equal(StopRetries, Describe(SagaOver(InStatus(status)).ResumeDue(Now)));
        }

        // A failed payment's reminder first asks the blocks again to let its seats go, in case that was cut off.
        Assert.Equal("ReleaseHolds, " + StopRetries, Describe(SagaOver(InStatus(BookingStatus.PaymentFailed)).ResumeDue(Now)));
    }

    /// <summary>
    /// An end that gives seats back is stored before any block lets them go. Stopped after any prefix of its steps (a
    /// crash), the stored booking never says Held or PaymentPending while a block has already let its seats go.
    /// </summary>
    [Theory]
    [InlineData("Release")]
    [InlineData("Cancel")]
    [InlineData("HoldsNotExtended")]
    [InlineData("Declined")]
    public void An_end_that_lets_seats_go_is_stored_before_the_blocks_are_asked(string how)
    {
        var booking = InStatus(BookingStatus.Held);
        IReadOnlyList<SagaStep> HoldsNotExtended()
        {
            var saga = SagaOver(booking);
            saga.Pay("tok_visa", Now);
            return saga.HoldsExtended(false, Now);
        }

        var steps = how switch
        {
            "Release" => SagaOver(booking).Release(Now),
            "Cancel" => SagaOver(booking).Cancel(Now),
            "HoldsNotExtended" => HoldsNotExtended(),
            _ => PaymentInFlight(booking).Charged(Gateway(GatewayOutcome.Declined), Now.AddSeconds(1)),
        };

        var persist = steps.ToList().FindIndex(s => s is SagaStep.Persist);
        var release = steps.ToList().FindIndex(s => s is SagaStep.ReleaseHolds);
        Assert.True(persist >= 0 && release > persist, $"Persist must come before ReleaseHolds: {Describe(steps)}");
        Assert.NotEqual(BookingStatus.Held, booking.Status);
        Assert.NotEqual(BookingStatus.PaymentPending, booking.Status);
    }

    [Fact]
    public void A_cancellation_cut_off_after_its_refund_pending_was_stored_is_finished_by_the_reminder()
    {
        var booking = InStatus(BookingStatus.Confirmed);
        var cancel = SagaOver(booking).Cancel(Now);
        Assert.Equal("StartResumeReminder, Persist, Refund", Describe(cancel));
        Assert.Equal((BookingStatus.RefundPending, BookingStatus.Cancelled), (booking.Status, booking.StatusAfterRefund));
        Assert.Equal(PaymentStatus.Pending, Assert.Single(booking.Refunds).Status);

        // The silo died before the provider answered; the reminder fires on another silo.
        var resumed = SagaOver(booking);
        var refund = Last<SagaStep.Refund>(resumed.ResumeDue(Now.AddMinutes(1)));
        var done = resumed.Refunded(Gateway(GatewayOutcome.Succeeded), Now.AddMinutes(1));

        Assert.Equal($"booking-{BookingId:N}-refund", refund.Request.IdempotencyKey);
        Assert.Equal("Persist, Publish BookingRefunded, LeaveMemory, StopResumeReminder, ReturnSoldSeats, Reply", Describe(done));
        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(booking.Refunds).Status);
    }

    [Fact]
    public void A_hold_that_a_block_already_let_go_cannot_be_extended_so_the_booking_expires_uncharged()
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = SagaOver(booking);
        saga.Pay("tok_visa", Now);

        var steps = saga.HoldsExtended(false, Now);

        Assert.Equal("Persist, Publish BookingExpired, ReleaseHolds, LeaveMemory, Reply NotPayable", Describe(steps));
        Assert.Equal((BookingStatus.Expired, Now), (booking.Status, booking.EndedAt));
        Assert.Null(booking.Payment);
        Assert.DoesNotContain(steps, s => s is SagaStep.Charge);
    }

    [Fact]
    public void A_payment_interrupted_by_a_crash_is_charged_again_with_the_same_key()
    {
        var booking = InStatus(BookingStatus.PaymentPending);

        var first = Last<SagaStep.Charge>(SagaOver(booking).Pay("tok_visa", Now));
        var second = Last<SagaStep.Charge>(SagaOver(booking).Pay("tok_visa", Now.AddMinutes(1)));

        Assert.Equal($"booking-{BookingId:N}-charge", first.Request.IdempotencyKey);
        Assert.Equal(first.Request, second.Request);
    }

    [Fact]
    public void Paying_a_confirmed_booking_again_charges_nothing_and_answers_the_same()
    {
        var booking = InStatus(BookingStatus.Confirmed);
        var payment = booking.Payment;

        var steps = SagaOver(booking).Pay("tok_visa", Now);

        Assert.Equal(Ok, Describe(steps));
        Assert.Same(payment, booking.Payment);
    }

    [Fact]
    public void A_late_payment_holds_the_lost_part_again_and_confirms_when_its_seats_are_still_free()
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = PaymentInFlight(booking);
        saga.Charged(Gateway(GatewayOutcome.Succeeded), Now.AddMinutes(11));

        var again = Last<SagaStep.HoldAgain>(saga.Sold([true, false], Now.AddMinutes(11)));
        Assert.Equal((Part1, Now.AddMinutes(11) + Grace), (again.Part, again.Until));
        var resell = Last<SagaStep.Sell>(saga.HeldAgain(BlockHoldResult.Held(Part1.Seats, 1, 5), Now.AddMinutes(11)));
        Assert.Equal([Part1], resell.Parts);
        var steps = saga.Sold([true], Now.AddMinutes(11));

        Assert.Equal("Persist, Publish BookingConfirmed, LeaveMemory, Reply", Describe(steps));
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal(BookingSaga.HeldAgainReason, booking.Reason);
        Assert.Equal(2, booking.Tickets.Count);
    }

    [Fact]
    public void A_late_payment_with_two_lost_parts_holds_both_again_one_after_the_other()
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = PaymentInFlight(booking);
        saga.Charged(Gateway(GatewayOutcome.Succeeded), Now);

        Assert.Equal(Part0, Last<SagaStep.HoldAgain>(saga.Sold([false, false], Now)).Part);
        saga.HeldAgain(BlockHoldResult.Held(Part0.Seats, 1, 5), Now);
        Assert.Equal(Part1, Last<SagaStep.HoldAgain>(saga.Sold([true], Now)).Part);
        saga.HeldAgain(BlockHoldResult.Held(Part1.Seats, 1, 5), Now);

        Assert.Equal("Persist, Publish BookingConfirmed, LeaveMemory, Reply", Describe(saga.Sold([true], Now)));
    }

    public static TheoryData<string> WaysToLoseTheSeats() => new() { "taken", "fewer places", "sale refused" };

    [Theory]
    [MemberData(nameof(WaysToLoseTheSeats))]
    public void A_late_payment_whose_seats_are_lost_returns_them_and_refunds_the_charge(string how)
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = PaymentInFlight(booking);
        saga.Charged(Gateway(GatewayOutcome.Succeeded), Now);
        saga.Sold([true, false], Now);

        var refunding = how switch
        {
            "taken" => saga.HeldAgain(BlockHoldResult.Refused(HoldRefusal.SeatsTaken, 0, Part1.Seats), Now),
            "fewer places" => saga.HeldAgain(BlockHoldResult.Held([], 0, 0), Now),
            _ => SaleRefused(),
        };

        IReadOnlyList<SagaStep> SaleRefused()
        {
            saga.HeldAgain(BlockHoldResult.Held(Part1.Seats, 1, 5), Now);
            return saga.Sold([false], Now);
        }

        Assert.Equal("ReleaseHolds, ReturnSoldSeats, StartResumeReminder, Persist, Refund", Describe(refunding));
        Assert.Equal((BookingStatus.RefundPending, BookingStatus.Refunded), (booking.Status, booking.StatusAfterRefund));
        Assert.Equal(new RefundRequest($"booking-{BookingId:N}-refund", "gw_ref", Total), Last<SagaStep.Refund>(refunding).Request);
        var steps = saga.Refunded(Gateway(GatewayOutcome.Succeeded), Now.AddSeconds(5));

        Assert.Equal("Persist, Publish BookingRefunded, LeaveMemory, StopResumeReminder, Reply SeatsLost", Describe(steps));
        Assert.Equal(BookingSaga.SeatsLostReason, Last<SagaStep.Reply>(steps).Message);
        Assert.Equal(BookingStatus.Refunded, booking.Status);
        var refund = Assert.Single(booking.Refunds);
        Assert.Equal((PaymentKind.Refund, PaymentStatus.Succeeded, Total, Now.AddSeconds(5)), (refund.Kind, refund.Status, refund.Amount, refund.CompletedAt));
        Assert.Empty(booking.Tickets);
    }

    [Fact]
    public void A_lost_seats_refund_that_fails_waits_in_refund_pending_and_the_reminder_finishes_it_as_refunded()
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = PaymentInFlight(booking);
        saga.Charged(Gateway(GatewayOutcome.Succeeded), Now);
        saga.Sold([false, true], Now);
        saga.HeldAgain(BlockHoldResult.Refused(HoldRefusal.SeatsTaken, 0), Now);

        var pending = saga.Refunded(Gateway(GatewayOutcome.Unavailable), Now);
        Assert.Equal("Persist, Reply SeatsLost", Describe(pending));
        Assert.Equal((BookingStatus.RefundPending, BookingStatus.Refunded), (booking.Status, booking.StatusAfterRefund));

        var retry = SagaOver(booking);
        Assert.Equal("Refund", Describe(retry.ResumeDue(Now.AddMinutes(1))));
        var done = retry.Refunded(Gateway(GatewayOutcome.Succeeded), Now.AddMinutes(1));

        Assert.Equal("Persist, Publish BookingRefunded, LeaveMemory, StopResumeReminder, Reply", Describe(done));
        Assert.Equal(BookingStatus.Refunded, booking.Status);
        Assert.Equal((PaymentStatus.Succeeded, 2), (Assert.Single(booking.Refunds).Status, booking.Refunds[0].Attempts));
    }

    // Cancelling.

    [Fact]
    public void Cancelling_a_confirmed_booking_refunds_then_puts_the_seats_back_on_sale()
    {
        var booking = InStatus(BookingStatus.Confirmed);
        var saga = SagaOver(booking);
        var refund = Last<SagaStep.Refund>(saga.Cancel(Now));
        Assert.Equal(new RefundRequest($"booking-{BookingId:N}-refund", ChargeReference, Total), refund.Request);

        var steps = saga.Refunded(Gateway(GatewayOutcome.Succeeded), Now);

        Assert.Equal("Persist, Publish BookingCancelled, LeaveMemory, StopResumeReminder, ReturnSoldSeats, Reply", Describe(steps));
        Assert.Equal((BookingStatus.Cancelled, Now), (booking.Status, booking.EndedAt));
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(booking.Refunds).Status);
    }

    [Fact]
    public void A_failed_refund_waits_in_refund_pending_and_the_reminder_retries_it_until_cancelled()
    {
        var booking = InStatus(BookingStatus.Confirmed);
        var saga = SagaOver(booking);
        saga.Cancel(Now);

        var pending = saga.Refunded(Gateway(GatewayOutcome.Unavailable, attempts: 3), Now);

        Assert.Equal("Persist, ReturnSoldSeats, Publish BookingCancelled, Reply", Describe(pending));
        Assert.Equal((BookingStatus.RefundPending, BookingStatus.Cancelled), (booking.Status, booking.StatusAfterRefund));
        var failed = Assert.Single(booking.Refunds);
        Assert.Equal((PaymentStatus.Failed, 3, (DateTimeOffset?)null), (failed.Status, failed.Attempts, failed.CompletedAt));

        // Still failing: stays pending, same record, attempts add up.
        var retry = SagaOver(booking);
        var sameKey = Last<SagaStep.Refund>(retry.ResumeDue(Now.AddMinutes(1)));
        Assert.Equal($"booking-{BookingId:N}-refund", sameKey.Request.IdempotencyKey);
        Assert.Equal("Persist, ReturnSoldSeats, Reply", Describe(retry.Refunded(Gateway(GatewayOutcome.TimedOut, attempts: 3), Now.AddMinutes(1))));
        Assert.Equal((BookingStatus.RefundPending, 6), (booking.Status, Assert.Single(booking.Refunds).Attempts));

        var last = SagaOver(booking);
        last.ResumeDue(Now.AddMinutes(2));
        var done = last.Refunded(Gateway(GatewayOutcome.Succeeded), Now.AddMinutes(2));

        Assert.Equal("Persist, Publish BookingRefunded, LeaveMemory, StopResumeReminder, ReturnSoldSeats, Reply", Describe(done));
        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        var refund = Assert.Single(booking.Refunds);
        Assert.Equal((PaymentStatus.Succeeded, 7, failed.Id), (refund.Status, refund.Attempts, refund.Id));
        Assert.Equal(StopRetries, Describe(SagaOver(booking).ResumeDue(Now.AddMinutes(3))));
    }

    [Fact]
    public void Repeating_a_cancellation_finishes_a_half_done_one_without_refunding_again()
    {
        var booking = InStatus(BookingStatus.RefundPending);

        var steps = SagaOver(booking).Cancel(Now);

        Assert.Equal("ReturnSoldSeats, Reply", Describe(steps));
        Assert.Equal(BookingStatus.RefundPending, booking.Status);
        Assert.DoesNotContain(steps, s => s is SagaStep.Refund);
    }

    [Fact]
    public void A_booking_waiting_for_a_lost_seats_refund_cannot_be_cancelled()
    {
        var booking = InStatus(BookingStatus.RefundPending);
        booking.StatusAfterRefund = BookingStatus.Refunded;

        var steps = SagaOver(booking).Cancel(Now);

        Assert.Equal(NotCancellable, Describe(steps));
        Assert.Equal("A booking that is RefundPending cannot be cancelled.", Last<SagaStep.Reply>(steps).Message);
    }

    // Expiry.

    [Theory]
    [InlineData("ExpiryDue", Expire + ", Reply")]
    [InlineData("Release", Expire + ", Reply")]
    [InlineData("Pay", Expire + ", Reply NotPayable")]
    [InlineData("Cancel", Expire + ", Reply NotCancellable")]
    public void A_hold_past_its_expiry_is_recorded_expired_before_anything_else(string command, string expectedSteps)
    {
        var booking = InStatus(BookingStatus.Held);
        var saga = SagaOver(booking);

        var steps = command switch
        {
            "ExpiryDue" => saga.ExpiryDue(HoldExpiry),
            "Release" => saga.Release(HoldExpiry),
            "Pay" => saga.Pay("tok_visa", HoldExpiry),
            _ => saga.Cancel(HoldExpiry),
        };

        Assert.Equal(expectedSteps, Describe(steps));
        Assert.Equal((BookingStatus.Expired, HoldExpiry), (booking.Status, booking.EndedAt));
        Assert.Equal(Ok, Describe(SagaOver(booking).ExpiryDue(HoldExpiry.AddMinutes(1))));
    }

    [Fact]
    public void A_hold_one_tick_before_its_expiry_is_still_held_and_can_be_paid()
    {
        var booking = InStatus(BookingStatus.Held);

        Assert.Equal(Ok, Describe(SagaOver(booking).ExpiryDue(HoldExpiry.AddTicks(-1))));
        Assert.Equal("ExtendHolds", Describe(SagaOver(booking).Pay("tok_visa", HoldExpiry.AddTicks(-1))));
        Assert.Equal(BookingStatus.Held, booking.Status);
    }
}
