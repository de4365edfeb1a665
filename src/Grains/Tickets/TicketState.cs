using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Tickets;

/// <summary>A ticket's check-in state as persisted.</summary>
[GenerateSerializer, Alias("TicketState")]
public sealed class TicketState : IHasOutbox
{
    [Id(0)] public Guid BookingId { get; set; }

    [Id(1)] public Guid EventId { get; set; }

    /// <summary>The first admission; every later one is refused (online) or a conflict (offline).</summary>
    [Id(2)] public TicketAdmission? Admission { get; set; }

    /// <summary>The outcome of each offline scan by its nonce, so that uploading it again answers the same.</summary>
    [Id(3)] public Dictionary<string, CheckinOutcome> ScansByNonce { get; set; } = [];

    /// <summary>Integration events of this ticket (its admission) not yet recorded in the event log.</summary>
    [Id(50)] public List<IntegrationEvent> Outbox { get; set; } = [];

    /// <summary>The sequence number of the ticket's last integration event.</summary>
    [Id(51)] public long EventSequence { get; set; }

    /// <summary>Scans kept per ticket, at most: a device that uploads one ticket's scans without end cannot grow it.</summary>
    public const int MaxRememberedScans = 64;
}

/// <summary>The rules of one ticket's admission, without I/O.</summary>
public static class TicketAdmissionRules
{
    /// <summary>
    /// What a scan does to a ticket that may enter (its booking stands): the first scan admits it; a later one is
    /// refused online and a conflict offline (the holder was let in already, at that gate, without the list knowing).
    /// </summary>
    public static CheckinOutcome Decide(TicketState ticket, CheckinRequest request, DateTimeOffset now)
    {
        if (ticket.Admission is { } first)
        {
            return new CheckinOutcome(request.Nonce is null ? CheckinStatus.AlreadyCheckedIn : CheckinStatus.Conflict, first, request.Seat);
        }

        ticket.Admission = new TicketAdmission(request.ScannedAt ?? now, request.Gate, request.StaffId, request.Nonce);
        return new CheckinOutcome(CheckinStatus.Admitted, ticket.Admission, request.Seat);
    }

    /// <summary>Remembers an offline scan's outcome under its nonce (bounded; the first ones are kept).</summary>
    public static bool Remember(TicketState ticket, string? nonce, CheckinOutcome outcome)
    {
        if (nonce is null || ticket.ScansByNonce.Count >= TicketState.MaxRememberedScans)
        {
            return false;
        }

        return ticket.ScansByNonce.TryAdd(nonce, outcome);
    }
}
