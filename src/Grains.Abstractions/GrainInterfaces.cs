using Orleans.Concurrency;

namespace Ticketing.Grains.Abstractions;

/// <summary>An event's description, layout and sales status. Never on the path of a hold.</summary>
/// <remarks>
/// The organizer's commands fan out to every seat block (a publish of 400 sections opens 400 blocks, cold on a busy
/// cluster): they keep Orleans' 30 s response timeout, while everything else the API calls is bounded by
/// "Orleans:Failover:ClientResponseTimeout" (3 s) so that no buyer's request waits past 5 s while a silo fails over.
/// </remarks>
[Alias("IEventGrain")]
public interface IEventGrain : IGrainWithGuidKey
{
    [ResponseTimeout("00:00:30")]
    [Alias("Create")]
    Task<EventDetails> Create(EventDefinition definition);

    /// <summary>Creates the event owned by <paramref name="ownerId"/> (the organizer's token subject).</summary>
    [ResponseTimeout("00:00:30")]
    [Alias("CreateOwned")]
    Task<EventDetails> Create(EventDefinition definition, string ownerId);

    /// <summary>Replaces the description and layout; only while the event is a draft.</summary>
    [ResponseTimeout("00:00:30")]
    [Alias("Update")]
    Task<EventCommandResult> Update(EventDefinition definition);

    [ResponseTimeout("00:00:30")]
    [Alias("Publish")]
    Task<EventCommandResult> Publish();

    [ResponseTimeout("00:00:30")]
    [Alias("CloseSales")]
    Task<EventCommandResult> CloseSales();

    /// <summary>
    /// Stops sales for good; the bookings are cancelled in the background when there are more than a batch of them
    /// (the answer's Cancellation says how far that has come).
    /// </summary>
    [ResponseTimeout("00:00:30")]
    [Alias("Cancel")]
    Task<EventCommandResult> Cancel();

    /// <summary>Cancels the next batch of a cancelled event's bookings, then asks itself for the next one.</summary>
    [OneWay, Alias("ContinueCancellation")]
    Task ContinueCancellation();

    [ReadOnly, Alias("GetDetails")]
    Task<EventDetails?> GetDetails();

    [ReadOnly, Alias("GetLayout")]
    Task<EventLayout?> GetLayout();

    /// <summary>Lets <paramref name="subject"/> scan this event's tickets; assigning twice changes nothing. Null when the event does not exist.</summary>
    [Alias("AddStaff")]
    Task<IReadOnlyList<string>?> AddStaff(string subject);

    /// <summary>The subjects assigned as staff (empty when the event does not exist).</summary>
    [ReadOnly, Alias("GetStaff")]
    Task<IReadOnlyList<string>> GetStaff();
}

/// <summary>
/// How many seats one customer holds or bought in one event (key: <see cref="CustomerQuotaKey"/>). A hold
/// reserves its seats here before any seat block is asked, so two parallel holds cannot pass the limit together.
/// </summary>
[Alias("ICustomerQuotaGrain")]
public interface ICustomerQuotaGrain : IGrainWithStringKey
{
    /// <summary>Reserves the seats of a new hold until <paramref name="until"/>, unless that would pass <paramref name="limit"/>.</summary>
    [Alias("Reserve")]
    Task<QuotaReservation> Reserve(Guid bookingId, int seats, int limit, DateTimeOffset until);

    /// <summary>The booking was sold: its seats count for good (even if its hold had lapsed meanwhile).</summary>
    [Alias("Confirm")]
    Task Confirm(Guid bookingId, int seats);

    /// <summary>The booking holds nothing any more (released, expired, failed, cancelled). Repeating it is harmless.</summary>
    [OneWay, Alias("Release")]
    Task Release(Guid bookingId);

    [ReadOnly, Alias("GetSeatsInUse")]
    Task<int> GetSeatsInUse();
}

/// <summary>Owns the seats of one block (whole rows of a section) or one general-admission shard.</summary>
[Alias("ISeatBlockGrain")]
public interface ISeatBlockGrain : IGrainWithStringKey
{
    /// <summary>Puts the block on sale with its layout; repeating it changes nothing.</summary>
    [Alias("Open")]
    Task Open(BlockDefinition definition);

    /// <summary>Stops new holds; existing holds and sales stay, and holds may still be paid.</summary>
    [Alias("Close")]
    Task Close();

    /// <summary>Stops new holds and new sales for good (the event is cancelled).</summary>
    [Alias("Cancel")]
    Task Cancel();

    [Alias("HoldSeats")]
    Task<BlockHoldResult> HoldSeats(Guid bookingId, IReadOnlyList<SeatPosition> seats, DateTimeOffset expiresAt);

    [Alias("HoldBestAvailable")]
    Task<BlockHoldResult> HoldBestAvailable(Guid bookingId, int quantity, BestAvailableMode mode, DateTimeOffset expiresAt);

    /// <summary>Frees what the booking holds here; releasing twice, or what was never held, is a no-op.</summary>
    [Alias("Release")]
    Task Release(Guid bookingId);

    /// <summary>Keeps the booking's hold at least until <paramref name="until"/>; false when it holds nothing here.</summary>
    [Alias("ExtendHold")]
    Task<bool> ExtendHold(Guid bookingId, DateTimeOffset until);

    /// <summary>Turns the booking's hold into a sale; false when the hold is gone (released or expired).</summary>
    [Alias("Sell")]
    Task<bool> Sell(Guid bookingId);

    /// <summary>Puts the booking's sold seats back on sale (after a cancellation or a compensation).</summary>
    [Alias("ReturnSold")]
    Task ReturnSold(Guid bookingId);

    /// <summary>The bookings that hold or bought seats in this block.</summary>
    [ReadOnly, Alias("GetBookings")]
    Task<IReadOnlyList<Guid>> GetBookings();

    [ReadOnly, Alias("GetCounts")]
    Task<SeatCounts> GetCounts();

    [ReadOnly, Alias("GetSeats")]
    Task<IReadOnlyList<SeatView>> GetSeats();
}

/// <summary>A customer's reservation: holds seats in one or more blocks, all or nothing.</summary>
[Alias("IBookingGrain")]
public interface IBookingGrain : IGrainWithGuidKey
{
    /// <summary>Holds the planned seats. Repeating the same plan returns the same booking.</summary>
    [Alias("Hold")]
    Task<BookingResult> Hold(BookingPlan plan);

    [Alias("Get")]
    Task<BookingView?> Get();

    /// <summary>Frees the seats at once. False when the booking does not exist.</summary>
    [Alias("Release")]
    Task<bool> Release();

    /// <summary>
    /// Frees a held booking's seats at once; an ended one is left as it is. A paid (or paying) booking is refused with
    /// <see cref="BookingCommandError.NotReleasable"/>: it has to be cancelled, which refunds it.
    /// </summary>
    [Alias("ReleaseHold")]
    Task<BookingCommandResult> ReleaseHold();

    /// <summary>Charges the booking's total and, on success, sells its seats and issues tickets.</summary>
    [Alias("Pay")]
    Task<BookingCommandResult> Pay(string paymentToken);

    /// <summary>
    /// Cancels the booking: a held one is released; a confirmed one is refunded and its seats go back on sale.
    /// </summary>
    [Alias("Cancel")]
    Task<BookingCommandResult> Cancel();

    // The same commands on behalf of a customer: someone else's booking is NotFound, so ids cannot be probed.
    // A null customer acts for anyone (an admin).

    [Alias("GetFor")]
    Task<BookingView?> Get(string? customerId);

    [Alias("ReleaseHoldFor")]
    Task<BookingCommandResult> ReleaseHold(string? customerId);

    [Alias("PayFor")]
    Task<BookingCommandResult> Pay(string paymentToken, string? customerId);

    [Alias("CancelFor")]
    Task<BookingCommandResult> Cancel(string? customerId);
}
