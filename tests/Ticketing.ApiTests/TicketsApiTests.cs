using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ticketing.Api.Contracts;
using Ticketing.Api.Endpoints;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Tickets;

namespace Ticketing.ApiTests;

/// <summary>Tickets at the door over real HTTP: QR codes, staff, check-in online and offline, revocation.</summary>
public sealed class TicketsApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private const string Gatekeeper = "gate-north@example.com";

    private readonly HttpClient _organizer = factory.CreateClient();
    private readonly HttpClient _staff = factory.CreateClient(Gatekeeper, "staff");

    /// <summary>A published event with <paramref name="gaTickets"/> paid general-admission tickets and the gatekeeper as its staff.</summary>
    private async Task<(EventResponse Event, BookingResponse Booking)> PaidTicketsAsync(int gaTickets = 2)
    {
        var ev = await _organizer.CreatePublishedEventAsync();
        var held = await _organizer.BookOkAsync(ev.Id, new { email = "buyer@example.com", section = "GA", quantity = gaTickets });
        var paid = await _organizer.PostAsJsonAsync($"/api/bookings/{held.Id}/payment", new { paymentToken = "tok_visa" });
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var booking = (await paid.Content.ReadFromJsonAsync<BookingResponse>(Api.Json))!;
        Assert.Equal(gaTickets, booking.Tickets.Count);
        var staff = await _organizer.PostAsJsonAsync($"/api/events/{ev.Id}/staff", new { subject = Gatekeeper });
        Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
        return (ev, booking);
    }

    private Task<HttpResponseMessage> ScanAsync(Guid eventId, string code, string gate = "North-3", HttpClient? client = null) =>
        (client ?? _staff).PostAsJsonAsync($"/api/events/{eventId}/checkins", new { code, gate });

    [Fact]
    public async Task The_verification_keys_are_a_public_jwk_set()
    {
        var keys = await factory.CreateAnonymousClient().GetAsync<TicketKeysResponse>("/api/ticket-keys");

        var key = Assert.Single(keys.Keys);
        Assert.Equal((TicketingApiFactory.TicketKeyId, "EC", "P-256", "ES256", "sig"), (key.Kid, key.Kty, key.Crv, key.Alg, key.Use));
        Assert.Equal(TicketingApiFactory.TicketKeyId, keys.SigningKeyId);
        using var expected = ECDsa.Create();
        expected.ImportPkcs8PrivateKey(Convert.FromBase64String(TicketingApiFactory.TicketPrivateKey), out _);
        Assert.Equal(Base64Url.Encode(expected.ExportParameters(false).Q.X), key.X);
    }

    [Fact]
    public async Task A_buyers_ticket_is_shown_as_a_qr_code_and_scanned_once()
    {
        var (ev, booking) = await PaidTicketsAsync();
        var ticket = booking.Tickets[0];
        Assert.Equal(TicketingApiFactory.TicketKeyId, TicketCode.KeyIdOf(ticket.Code));

        var svg = await _organizer.GetAsync($"/api/tickets/{ticket.Id}/qr");
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var png = await _organizer.GetAsync($"/api/tickets/{ticket.Id}/qr?format=png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var pngBytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, pngBytes[..4]);
        // Another customer's view of it: no such ticket. A bad format: 400.
        await (await factory.CreateClient("someone-else@example.com", "customer").GetAsync($"/api/tickets/{ticket.Id}/qr"))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _organizer.GetAsync($"/api/tickets/{ticket.Id}/qr?format=gif")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await _organizer.GetAsync("/api/tickets/not-a-guid/qr")).AssertProblemAsync(HttpStatusCode.BadRequest);

        var first = await ScanAsync(ev.Id, ticket.Code);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var admitted = (await first.Content.ReadFromJsonAsync<CheckinResponse>(Api.Json))!;
        Assert.Equal((ticket.Id, ticket.Seat, "North-3", factory.Clock.GetUtcNow()), (admitted.TicketId, admitted.Seat, admitted.Gate, admitted.CheckedInAt));

        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var again = await (await ScanAsync(ev.Id, ticket.Code, "South-1")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("North-3", again.GetProperty("gate").GetString());
        Assert.Equal(admitted.CheckedInAt, again.GetProperty("checkedInAt").GetDateTimeOffset());
        Assert.Contains("North-3", again.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The other ticket of the booking is still unused.
        Assert.Equal(HttpStatusCode.OK, (await ScanAsync(ev.Id, booking.Tickets[1].Code, "South-1")).StatusCode);
    }

    [Fact]
    public async Task Two_gates_scanning_one_ticket_at_the_same_instant_admit_it_exactly_once()
    {
        var (ev, booking) = await PaidTicketsAsync(1);
        var code = booking.Tickets[0].Code;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ScanAsync(ev.Id, code, $"Gate-{i}")));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));

        // The one admission is one ticket.checked_in integration event, at the gate that admitted it.
        var admittedAt = (await answers.Single(a => a.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("gate").GetString();
        var admin = factory.CreateClient("ada@example.com", "admin");
        var feed = new List<IntegrationEventResponse>();
        for (string? after = null; ;)
        {
            var page = await admin.GetAsync<FeedResponse>("/api/feed?limit=1000" + (after is null ? "" : $"&after={after}"));
            if (page.Events.Count == 0)
            {
                break;
            }

            feed.AddRange(page.Events);
            after = page.Next;
        }

        var checkedIn = Assert.Single(feed, e => e.Type == IntegrationEventTypes.TicketCheckedIn && e.AggregateId == booking.Tickets[0].Id.ToString());
        Assert.Equal((ev.Id, booking.Id, admittedAt), (checkedIn.Payload.GetProperty("eventId").GetGuid(), checkedIn.Payload.GetProperty("bookingId").GetGuid(),
            checkedIn.Payload.GetProperty("gate").GetString()));
    }

    [Fact]
    public async Task Only_the_events_staff_may_scan_and_only_its_organizer_assigns_staff()
    {
        var (ev, booking) = await PaidTicketsAsync();
        var (other, _) = await PaidTicketsAsync(1);
        var code = booking.Tickets[0].Code;

        // Staff role but not assigned to this event; assigned to another event only.
        await (await ScanAsync(ev.Id, code, client: factory.CreateClient("gate-south@example.com", "staff"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        var elsewhere = factory.CreateClient("gate-elsewhere@example.com", "staff");
        Assert.Equal(HttpStatusCode.OK, (await _organizer.PostAsJsonAsync($"/api/events/{other.Id}/staff", new { subject = "gate-elsewhere@example.com" })).StatusCode);
        await (await ScanAsync(ev.Id, code, client: elsewhere)).AssertProblemAsync(HttpStatusCode.Forbidden);
        // Assigned, but a token without the staff role.
        Assert.Equal(HttpStatusCode.OK, (await _organizer.PostAsJsonAsync($"/api/events/{ev.Id}/staff", new { subject = "carl@example.com" })).StatusCode);
        await (await ScanAsync(ev.Id, code, client: factory.CreateClient("carl@example.com", "customer"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await ScanAsync(ev.Id, code, client: factory.CreateAnonymousClient())).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // Another organizer cannot make itself staff of this event.
        await (await factory.CreateClient("rival@example.com", "organizer").PostAsJsonAsync($"/api/events/{ev.Id}/staff", new { subject = "rival@example.com" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await _organizer.PostAsJsonAsync($"/api/events/{ev.Id}/staff", new { subject = " " })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await ScanAsync(Guid.NewGuid(), code)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await ScanAsync(Guid.NewGuid(), code, client: factory.CreateClient("ada@example.com", "admin"))).AssertProblemAsync(HttpStatusCode.NotFound);

        // Nothing above let the ticket in: the event's own staff is the first to admit it.
        Assert.Equal(HttpStatusCode.OK, (await ScanAsync(ev.Id, code)).StatusCode);
        var assigned = await _organizer.PostAsJsonAsync($"/api/events/{ev.Id}/staff", new { subject = Gatekeeper });
        Assert.Equal([Gatekeeper, "carl@example.com"], (await assigned.Content.ReadFromJsonAsync<StaffResponse>(Api.Json))!.Staff);
    }

    [Fact]
    public async Task Forged_tampered_truncated_and_other_event_codes_are_refused_with_422()
    {
        var (ev, booking) = await PaidTicketsAsync();
        var (other, otherBooking) = await PaidTicketsAsync(1);
        var code = booking.Tickets[0].Code;
        Assert.True(Base64Url.TryDecode(code, out var bytes));
        bytes[^66] ^= 0x01; // a letter of the seat label
        var tampered = Base64Url.Encode(bytes);
        var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = TicketCode.Issue(new TicketClaims(Guid.NewGuid(), ev.Id, booking.Id, "GA #9", 1), new Signer(TicketingApiFactory.TicketKeyId, forger));

        var cases = new (string Code, string Says)[]
        {
            (forged, "signature"),
            (tampered, "signature"),
            (code[..40], "not a readable ticket code"),
            ("definitely-not-a-ticket", "not a readable ticket code"),
            (otherBooking.Tickets[0].Code, $"another event ({other.Id})"),
        };
        foreach (var (refused, says) in cases)
        {
            var problem = await (await ScanAsync(ev.Id, refused)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await (await _staff.PostAsJsonAsync($"/api/events/{ev.Id}/checkins", new { gate = "North-3" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        // None of it used the genuine ticket.
        Assert.Equal(HttpStatusCode.OK, (await ScanAsync(ev.Id, code)).StatusCode);
    }

    [Fact]
    public async Task A_cancelled_bookings_tickets_are_revoked_at_the_gate_and_in_the_offline_list()
    {
        var (ev, booking) = await PaidTicketsAsync();
        var before = await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list");
        await Api.Eventually(async () => (await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list")).ValidCount == 2);
        var listed = await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list");

        var cancelled = await _organizer.PostAsync($"/api/bookings/{booking.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var problem = await (await ScanAsync(ev.Id, booking.Tickets[0].Code)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await _organizer.GetAsync($"/api/tickets/{booking.Tickets[0].Id}/qr")).AssertProblemAsync(HttpStatusCode.Conflict);

        await Api.Eventually(async () => (await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list?since={listed.Version}")).RevokedCount == 2);
        var delta = await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list?since={listed.Version}");
        Assert.Equal((0, false, listed.Version), (delta.ValidCount, delta.Full, delta.Since));
        Assert.Equal(booking.Tickets.Select(t => t.Id).Order(), CheckinList.ReadIds(delta.Revoked));
        Assert.True(before.Version <= listed.Version);
    }

    [Fact]
    public async Task The_offline_list_is_signed_with_the_published_key()
    {
        var (ev, booking) = await PaidTicketsAsync(3);
        await Api.Eventually(async () => (await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list")).ValidCount == 3);
        var list = await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list");
        var key = (await _staff.GetAsync<TicketKeysResponse>("/api/ticket-keys")).Keys.Single(k => k.Kid == list.KeyId);

        Assert.True(list.Full);
        Assert.Equal(booking.Tickets.Select(t => t.Id).Order(), CheckinList.ReadIds(list.Valid));
        var valid = CheckinList.Ids(CheckinList.ReadIds(list.Valid));
        var signed = CheckinList.SignedBytes(ev.Id, list.Version, list.Since, list.ValidCount, list.RevokedCount, valid, []);
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new() { X = Decode(key.X), Y = Decode(key.Y) } });
        Assert.True(ecdsa.VerifyData(signed, Decode(list.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.False(ecdsa.VerifyData((byte[])[.. signed, 0], Decode(list.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        var nothingNew = await _staff.GetAsync<CheckinListResponse>($"/api/events/{ev.Id}/checkin-list?since={list.Version}");
        Assert.Equal((0, 0), (nothingNew.ValidCount, nothingNew.RevokedCount));
        await (await _staff.GetAsync($"/api/events/{ev.Id}/checkin-list?since=-1")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Offline_scans_upload_idempotently_and_a_double_admission_is_a_conflict_for_the_organizer()
    {
        var (ev, booking) = await PaidTicketsAsync(2);
        var (t1, t2) = (booking.Tickets[0], booking.Tickets[1]);
        var at = factory.Clock.GetUtcNow().AddMinutes(-30);
        object[] scans =
        [
            new { code = t1.Code, gate = "North-3", scannedAt = at, nonce = "dev-a-1" },
            new { code = t1.Code, gate = "South-1", scannedAt = at.AddMinutes(4), nonce = "dev-b-1" },
            new { code = t2.Code, gate = "North-3", scannedAt = at.AddMinutes(1), nonce = "dev-a-2" },
            new { code = t2.Code[..50], gate = "North-3", scannedAt = at.AddMinutes(2), nonce = "dev-a-3" },
        ];

        var first = await UploadAsync(ev.Id, scans);
        Assert.Equal((2, 1, 1), (first.Admitted, first.Conflicts, first.Rejected));
        Assert.Equal([OfflineScanResult.Admitted, OfflineScanResult.Conflict, OfflineScanResult.Admitted, OfflineScanResult.Rejected],
            first.Results.Select(r => r.Result));
        Assert.Equal(("North-3", at), (first.Results[1].FirstAdmission!.Gate, first.Results[1].FirstAdmission!.At));
        Assert.All(first.Results, r => Assert.False(r.Replayed));

        // The device did not get the answer and uploads everything again: the same answers, nothing recorded twice.
        var again = await UploadAsync(ev.Id, scans);
        Assert.Equal(first.Results.Select(r => (r.Result, r.TicketId)), again.Results.Select(r => (r.Result, r.TicketId)));
        Assert.All(again.Results.Take(3), r => Assert.True(r.Replayed));

        var conflicts = await _organizer.GetAsync<List<CheckinConflictResponse>>($"/api/events/{ev.Id}/checkin-conflicts");
        var conflict = Assert.Single(conflicts);
        Assert.Equal((t1.Id, "North-3", "South-1", true), (conflict.TicketId, conflict.First.Gate, conflict.Second.Gate, conflict.Second.Offline));
        Assert.Equal((at, at.AddMinutes(4)), (conflict.First.At, conflict.Second.At));
        await (await factory.CreateClient("rival@example.com", "organizer").GetAsync($"/api/events/{ev.Id}/checkin-conflicts"))
            .AssertProblemAsync(HttpStatusCode.Forbidden);

        // Online, the offline admission counts: the ticket entered already.
        var online = await (await ScanAsync(ev.Id, t2.Code)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("North-3", online.GetProperty("gate").GetString());

        // Bad uploads are 400s that say what is wrong.
        var duplicateNonce = await _staff.PostAsJsonAsync($"/api/events/{ev.Id}/checkins/batch", new[] { scans[0], scans[0] });
        Assert.Contains("appears twice", (await duplicateNonce.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await _staff.PostAsJsonAsync($"/api/events/{ev.Id}/checkins/batch", new[] { new { code = t1.Code, gate = "X" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await _staff.PostAsJsonAsync($"/api/events/{ev.Id}/checkins/batch", Array.Empty<object>())).AssertProblemAsync(HttpStatusCode.BadRequest);
        var future = await _staff.PostAsJsonAsync($"/api/events/{ev.Id}/checkins/batch",
            new[] { new { code = t1.Code, gate = "X", scannedAt = factory.Clock.GetUtcNow().AddHours(1), nonce = "dev-c-1" } });
        Assert.Contains("in the future", (await future.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await _staff.PostAsJsonAsync($"/api/events/{ev.Id}/checkins/batch", new { code = t1.Code })).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<CheckinBatchResponse> UploadAsync(Guid eventId, object[] scans)
    {
        var response = await _staff.PostAsJsonAsync($"/api/events/{eventId}/checkins/batch", scans);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CheckinBatchResponse>(Api.Json))!;
    }

    private static byte[] Decode(string base64Url)
    {
        Assert.True(Base64Url.TryDecode(base64Url, out var bytes));
        return bytes;
    }

    private sealed class Signer(string keyId, ECDsa key) : ITicketSigner
    {
        public string SigningKeyId => keyId;

        public byte[] Sign(ReadOnlySpan<byte> data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
