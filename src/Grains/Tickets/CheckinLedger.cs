using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Tickets;

/// <summary>One ticket in an event's ledger: its booking, whether it was revoked, and the version that last changed it.</summary>
[GenerateSerializer, Immutable, Alias("LedgerTicket")]
public sealed record LedgerTicket([property: Id(0)] Guid BookingId, [property: Id(1)] long ChangedAt, [property: Id(2)] bool Revoked);

/// <summary>
/// An event's issued and revoked tickets, versioned for delta downloads of the offline check-in list, and its
/// offline double admissions. Every change that alters the list takes the next version.
/// </summary>
[GenerateSerializer, Alias("CheckinLedger")]
public sealed class CheckinLedger
{
    /// <summary>Conflicts kept per event, at most (the oldest go first).</summary>
    public const int MaxConflicts = 10_000;

    [Id(0)] public long Version { get; set; }

    [Id(1)] public Dictionary<Guid, LedgerTicket> Tickets { get; set; } = [];

    [Id(2)] public List<CheckinConflict> Conflicts { get; set; } = [];

    /// <summary>Adds the tickets; a revoked one stays revoked (its revocation may arrive first). True when the list changed.</summary>
    public bool Issue(Guid bookingId, IEnumerable<Guid> ticketIds)
    {
        var added = ticketIds.Where(id => !Tickets.ContainsKey(id)).ToList();
        if (added.Count == 0)
        {
            return false;
        }

        Version++;
        foreach (var id in added)
        {
            Tickets[id] = new LedgerTicket(bookingId, Version, false);
        }

        return true;
    }

    /// <summary>Revokes the tickets, known or not yet known. True when the list changed.</summary>
    public bool Revoke(Guid bookingId, IEnumerable<Guid> ticketIds)
    {
        var revoked = ticketIds.Where(id => Tickets.GetValueOrDefault(id) is not { Revoked: true }).ToList();
        if (revoked.Count == 0)
        {
            return false;
        }

        Version++;
        foreach (var id in revoked)
        {
            Tickets[id] = new LedgerTicket(bookingId, Version, true);
        }

        return true;
    }

    /// <summary>True when the conflict was not known yet (the same second admission reported again is ignored).</summary>
    public bool AddConflict(CheckinConflict conflict)
    {
        if (Conflicts.Any(c => c.TicketId == conflict.TicketId && c.Second == conflict.Second))
        {
            return false;
        }

        if (Conflicts.Count >= MaxConflicts)
        {
            Conflicts.RemoveAt(0);
        }

        Conflicts.Add(conflict);
        return true;
    }

    /// <summary>
    /// The whole list (<paramref name="since"/> 0, or a version this ledger never had), or what changed after
    /// <paramref name="since"/>: tickets added since (still valid) and tickets revoked since.
    /// </summary>
    public CheckinListSnapshot Snapshot(long since)
    {
        var from = since > 0 && since <= Version ? since : 0;
        var valid = new List<Guid>();
        var revoked = new List<Guid>();
        foreach (var (id, ticket) in Tickets)
        {
            if (ticket.ChangedAt <= from)
            {
                continue;
            }

            (ticket.Revoked ? revoked : valid).Add(id);
        }

        valid.Sort();
        revoked.Sort();
        return new CheckinListSnapshot(Version, from, valid, revoked);
    }
}
