using Orleans.Concurrency;

namespace Ticketing.Grains.Abstractions;

/// <summary>A scan at a gate, once the ticket code's signature and event have been checked.</summary>
/// <param name="Nonce">Set for scans made offline and uploaded later: a repeated upload of the same nonce changes nothing.</param>
/// <param name="ScannedAt">When the scan happened; for an online scan, null (now).</param>
[GenerateSerializer, Immutable, Alias("CheckinRequest")]
public sealed record CheckinRequest(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] Guid BookingId,
    [property: Id(2)] string Seat,
    [property: Id(3)] string Gate,
    [property: Id(4)] string StaffId,
    [property: Id(5)] DateTimeOffset? ScannedAt,
    [property: Id(6)] string? Nonce);

/// <summary>The admission of a ticket: when, at which gate, by whom.</summary>
[GenerateSerializer, Immutable, Alias("TicketAdmission")]
public sealed record TicketAdmission(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Gate,
    [property: Id(2)] string StaffId,
    [property: Id(3)] string? Nonce);

[GenerateSerializer, Alias("CheckinStatus")]
public enum CheckinStatus
{
    /// <summary>Admitted now (online), or the first admission of an offline scan.</summary>
    Admitted,

    /// <summary>Online: the ticket had entered already (the answer says when and where).</summary>
    AlreadyCheckedIn,

    /// <summary>Offline: the ticket had entered already, so it was let in twice; recorded as a conflict.</summary>
    Conflict,

    /// <summary>The booking was cancelled or refunded (or the ticket is not one of its tickets).</summary>
    Revoked,
}

[GenerateSerializer, Immutable, Alias("CheckinOutcome")]
public sealed record CheckinOutcome(
    [property: Id(0)] CheckinStatus Status,
    [property: Id(1)] TicketAdmission? Admission,
    [property: Id(2)] string Seat,
    [property: Id(3)] bool Replayed = false);

/// <summary>A ticket let in twice while a gate was offline, for the organizer.</summary>
[GenerateSerializer, Immutable, Alias("CheckinConflict")]
public sealed record CheckinConflict(
    [property: Id(0)] Guid TicketId,
    [property: Id(1)] string Seat,
    [property: Id(2)] TicketAdmission First,
    [property: Id(3)] TicketAdmission Second,
    [property: Id(4)] DateTimeOffset ReportedAt);

/// <summary>The offline check-in list, or the change to it since a version.</summary>
/// <param name="Valid">Ticket ids that may enter (all of them, or those added since <paramref name="Since"/>).</param>
/// <param name="Revoked">Ticket ids revoked since <paramref name="Since"/> (all revocations when Since is 0).</param>
[GenerateSerializer, Immutable, Alias("CheckinListSnapshot")]
public sealed record CheckinListSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] long Since,
    [property: Id(2)] IReadOnlyList<Guid> Valid,
    [property: Id(3)] IReadOnlyList<Guid> Revoked);

/// <summary>
/// The check-in state of one ticket (key: the ticket id). Scans of one ticket run one at a time here, so two gates
/// scanning it at once get exactly one admission. No per-event grain is on this path.
/// </summary>
[Alias("ITicketGrain")]
public interface ITicketGrain : IGrainWithGuidKey
{
    /// <summary>Told by its booking when it is issued: which booking it belongs to (for the QR code's owner).</summary>
    [OneWay, Alias("Issued")]
    Task Issued(Guid bookingId, Guid eventId);

    /// <summary>The booking this ticket belongs to, if the ticket was issued.</summary>
    [ReadOnly, Alias("GetBookingId")]
    Task<Guid?> GetBookingId();

    /// <summary>Admits the ticket once; asks its booking whether it still stands (not cancelled or refunded).</summary>
    [Alias("CheckIn")]
    Task<CheckinOutcome> CheckIn(CheckinRequest request);

    [ReadOnly, Alias("GetAdmission")]
    Task<TicketAdmission?> GetAdmission();
}

/// <summary>
/// One event's tickets for the offline check-in list (key: the event id): told of issued and revoked tickets
/// one-way by the bookings (never awaited on the payment path), and of offline double admissions.
/// </summary>
[Alias("ICheckinLedgerGrain")]
public interface ICheckinLedgerGrain : IGrainWithGuidKey
{
    [OneWay, Alias("TicketsIssued")]
    Task TicketsIssued(Guid bookingId, IReadOnlyList<Guid> ticketIds);

    [OneWay, Alias("TicketsRevoked")]
    Task TicketsRevoked(Guid bookingId, IReadOnlyList<Guid> ticketIds);

    [Alias("ReportConflict")]
    Task ReportConflict(CheckinConflict conflict);

    [ReadOnly, Alias("GetList")]
    Task<CheckinListSnapshot> GetList(long since);

    [ReadOnly, Alias("GetConflicts")]
    Task<IReadOnlyList<CheckinConflict>> GetConflicts();
}
