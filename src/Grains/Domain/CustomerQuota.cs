using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

/// <summary>Seats one booking counts against its customer's quota; a hold counts until it could have run out.</summary>
[GenerateSerializer, Immutable, Alias("QuotaEntry")]
public sealed record QuotaEntry([property: Id(0)] int Seats, [property: Id(1)] DateTimeOffset? HeldUntil)
{
    public bool Sold => HeldUntil is null;

    public bool CountsAt(DateTimeOffset now) => Sold || now < HeldUntil;
}

/// <summary>
/// A customer's seats in one event, held and sold, against the event's maxSeatsPerCustomer. Plain rules, no I/O.
/// A hold's entry lapses on its own once its hold could no longer exist, so a lost release cannot leak quota.
/// </summary>
[GenerateSerializer, Alias("CustomerQuotaState")]
public sealed class CustomerQuotaState
{
    [Id(0)] public Dictionary<Guid, QuotaEntry> Entries { get; set; } = [];

    public int SeatsInUse(DateTimeOffset now) => Entries.Values.Where(e => e.CountsAt(now)).Sum(e => e.Seats);

    /// <summary>Reserves a new hold's seats unless that passes the limit; reserving the same booking again replaces its entry.</summary>
    public QuotaReservation TryReserve(Guid bookingId, int seats, int limit, DateTimeOffset until, DateTimeOffset now)
    {
        ForgetLapsed(now);
        var inUse = Entries.Where(e => e.Key != bookingId).Sum(e => e.Value.Seats);
        if (inUse + seats > limit)
        {
            return new QuotaReservation(false, inUse);
        }

        Entries[bookingId] = new QuotaEntry(seats, until);
        return new QuotaReservation(true, inUse);
    }

    /// <summary>Sold seats count for good, also when the hold's entry had lapsed meanwhile. True when that changed anything.</summary>
    public bool Confirm(Guid bookingId, int seats)
    {
        if (Entries.TryGetValue(bookingId, out var entry) && entry.Sold && entry.Seats == seats)
        {
            return false;
        }

        Entries[bookingId] = new QuotaEntry(seats, null);
        return true;
    }

    /// <summary>True when that changed anything.</summary>
    public bool Release(Guid bookingId) => Entries.Remove(bookingId);

    private void ForgetLapsed(DateTimeOffset now)
    {
        foreach (var lapsed in Entries.Where(e => !e.Value.CountsAt(now)).Select(e => e.Key).ToList())
        {
            Entries.Remove(lapsed);
        }
    }
}
