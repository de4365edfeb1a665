using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Tickets;

namespace Ticketing.UnitTests.Tickets;

public sealed class CheckinLedgerTests
{
    private static readonly Guid Booking = Guid.NewGuid();

    [Fact]
    public void The_whole_list_and_deltas_by_version()
    {
        var ledger = new CheckinLedger();
        Guid[] first = [Guid.NewGuid(), Guid.NewGuid()];
        Guid[] second = [Guid.NewGuid()];

        Assert.True(ledger.Issue(Booking, first));
        var v1 = ledger.Version;
        Assert.True(ledger.Issue(Guid.NewGuid(), second));
        Assert.True(ledger.Revoke(Booking, first));
        Assert.False(ledger.Revoke(Booking, first));
        Assert.False(ledger.Issue(Booking, first));

        var all = ledger.Snapshot(0);
        Assert.Equal((3L, 0L), (all.Version, all.Since));
        Assert.Equal(second, all.Valid);
        Assert.Equal(first.Order(), all.Revoked);

        var delta = ledger.Snapshot(v1);
        Assert.Equal(v1, delta.Since);
        Assert.Equal(second, delta.Valid);
        Assert.Equal(first.Order(), delta.Revoked);

        var nothing = ledger.Snapshot(ledger.Version);
        Assert.Empty(nothing.Valid);
        Assert.Empty(nothing.Revoked);

        // A version this ledger never had (another event's, or from before a reset): the whole list.
        Assert.Equal(0, ledger.Snapshot(99).Since);
    }

    [Fact]
    public void A_revocation_that_arrives_before_the_issue_stays_a_revocation()
    {
        var ledger = new CheckinLedger();
        var ticket = Guid.NewGuid();

        Assert.True(ledger.Revoke(Booking, [ticket]));
        Assert.False(ledger.Issue(Booking, [ticket]));

        Assert.Empty(ledger.Snapshot(0).Valid);
        Assert.Equal([ticket], ledger.Snapshot(0).Revoked);
    }

    [Fact]
    public void The_same_conflict_reported_twice_is_kept_once()
    {
        var ledger = new CheckinLedger();
        var at = DateTimeOffset.UnixEpoch;
        var conflict = new CheckinConflict(Guid.NewGuid(), "A-1-1", new TicketAdmission(at, "North", "s1", "n1"),
            new TicketAdmission(at.AddMinutes(1), "South", "s2", "n2"), at.AddHours(1));

        Assert.True(ledger.AddConflict(conflict));
        Assert.False(ledger.AddConflict(conflict with { ReportedAt = at.AddHours(2) }));
        Assert.Single(ledger.Conflicts);
    }

    [Fact]
    public void Online_a_second_scan_is_refused_and_offline_it_is_a_conflict()
    {
        var ticket = new TicketState();
        var now = DateTimeOffset.UnixEpoch;
        var online = new CheckinRequest(Guid.NewGuid(), Booking, "A-1-1", "North-3", "sam", null, null);

        var first = TicketAdmissionRules.Decide(ticket, online, now);
        var again = TicketAdmissionRules.Decide(ticket, online with { Gate = "South-1" }, now.AddSeconds(5));
        var offline = TicketAdmissionRules.Decide(ticket, online with { Gate = "East", ScannedAt = now.AddSeconds(9), Nonce = "n1" }, now.AddHours(1));

        Assert.Equal(CheckinStatus.Admitted, first.Status);
        Assert.Equal(new TicketAdmission(now, "North-3", "sam", null), first.Admission);
        Assert.Equal((CheckinStatus.AlreadyCheckedIn, first.Admission), (again.Status, again.Admission));
        Assert.Equal((CheckinStatus.Conflict, first.Admission), (offline.Status, offline.Admission));
    }

    [Fact]
    public void An_offline_scan_is_admitted_as_of_when_it_was_made()
    {
        var ticket = new TicketState();
        var scannedAt = DateTimeOffset.UnixEpoch.AddMinutes(3);
        var outcome = TicketAdmissionRules.Decide(ticket,
            new CheckinRequest(Guid.NewGuid(), Booking, "GA #1", "West", "sam", scannedAt, "n1"), scannedAt.AddHours(2));

        Assert.Equal(scannedAt, outcome.Admission!.At);
        Assert.True(TicketAdmissionRules.Remember(ticket, "n1", outcome));
        Assert.False(TicketAdmissionRules.Remember(ticket, "n1", outcome));
    }

    [Fact]
    public void The_offline_list_of_100000_tickets_is_about_2_MB()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => Guid.NewGuid()).ToList();
        var bytes = 16 * ids.Count;

        // 16 bytes per ticket, base64url: 4 characters per 3 bytes.
        Assert.Equal(2_133_334, Base64Url.Encode(new byte[bytes]).Length);
    }
}
