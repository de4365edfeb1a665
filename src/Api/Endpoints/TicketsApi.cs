using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using QRCoder;
using Ticketing.Api.Contracts;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Tickets;

namespace Ticketing.Api.Endpoints;

/// <summary>
/// Tickets at the door: the keys that check ticket codes, a ticket's QR code, the event's staff, check-in at a gate
/// (online, one ticket grain per scan and no per-event grain), and the offline list and upload.
/// </summary>
public static class TicketsApi
{
    public const int MaxGateLength = 64;

    public const int MaxNonceLength = 100;

    public const int MaxBatchScans = 1_000;

    /// <summary>How far ahead of this host's clock a scanner's may run before its scans are refused as from the future.</summary>
    public static readonly TimeSpan MaxScannerClockAhead = TimeSpan.FromMinutes(5);

    private const string ScanProblems = "A forged, tampered, truncated or unreadable code, another event's ticket, or a ticket whose booking was " +
        "cancelled or refunded: 422 problem+json saying which.";

    public static IEndpointRouteBuilder MapTicketsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ticket-keys", GetKeys)
            .AllowAnonymous()
            .LimitRate(SecurityExtensions.RateLimits.AnonymousReads)
            .WithTags("Tickets")
            .WithName("getTicketKeys")
            .WithSummary("Keys that check ticket codes")
            .WithDescription("A JWK set (ES256, P-256) with every key a ticket code may be signed with, for scanners that check codes offline. " +
                "signingKeyId is the key new tickets get; older keys stay listed after a rotation so that issued tickets keep passing. " +
                "codeFormat describes the code's layout.")
            // Answered from this host's memory; listed like every operation's 503 so that clients handle one contract.
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/api/tickets/{ticketId}/qr", GetQrCode)
            .RequirePolicy(Policies.Customer)
            .WithTags("Tickets")
            .WithName("getTicketQrCode")
            .WithSummary("A ticket's QR code")
            .WithDescription("The ticket's signed code as a QR code, SVG (format=svg, the default) or PNG (format=png), for the " +
                "customer who owns its booking (or an admin). Someone else's ticket is a 404; a ticket whose booking was cancelled or refunded, 409.")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml", additionalContentTypes: ["image/png"])
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

        var events = app.MapGroup("/api/events/{eventId:guid}").WithTags("Check-in").ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        events.MapPost("/staff", AssignStaff)
            .RequirePolicy(Policies.Organizer)
            .WithName("assignEventStaff")
            .WithSummary("Assign staff to an event")
            .WithDescription("Lets the subject of a token with role staff scan this event's tickets. Only the event's organizer (or an admin); " +
                "assigning someone twice changes nothing. Answers the event's staff.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType);

        events.MapPost("/checkins", CheckIn)
            .RequirePolicy(Policies.Staff)
            .WithName("checkInTicket")
            .WithSummary("Scan a ticket at a gate")
            .WithDescription("Admits the ticket of a code once. The same ticket again: 409 problem+json whose checkedInAt and gate say when and " +
                "where it entered. " + ScanProblems + " Staff assigned to this event only (or an admin): 403 otherwise.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);

        events.MapGet("/checkin-list", GetCheckinList)
            .RequirePolicy(Policies.Staff)
            .WithName("getCheckinList")
            .WithSummary("The offline check-in list")
            .WithDescription("The event's tickets that may enter and those revoked, as base64url strings of 16-byte ids, signed with the ticket " +
                "signing key (see GET /api/ticket-keys). With since (a version this list had), only the change since then: tickets added " +
                "and tickets revoked; otherwise (or since=0) the whole list. Tickets sold in the last second may be missing: a code " +
                "whose signature is good and whose id is not yet listed should be let in and uploaded. Staff of this event (or an admin).")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        events.MapPost("/checkins/batch", UploadOfflineScans)
            .RequirePolicy(Policies.Staff)
            .Accepts<List<OfflineScanRequest>>("application/json")
            .WithName("uploadOfflineCheckins")
            .WithSummary("Upload scans made offline")
            .WithDescription($"A JSON array of up to {MaxBatchScans} scans {{code, gate, scannedAt, nonce}} made while the gate was offline, " +
                "each answered in order: admitted (its first admission), conflict (the ticket had entered already, so it was let in twice; " +
                "the organizer sees it in checkin-conflicts), or rejected (not a valid ticket of this event). Uploading a scan again (same " +
                "nonce) answers as the first time, with replayed true, and records nothing new. Staff of this event (or an admin).")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType);

        events.MapGet("/checkin-conflicts", GetConflicts)
            .RequirePolicy(Policies.Organizer)
            .WithName("getCheckinConflicts")
            .WithSummary("Tickets let in twice while offline")
            .WithDescription("Each ticket admitted at two gates (or twice) while offline, with both admissions. The event's organizer (or an admin).")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        return app;
    }

    private static Ok<TicketKeysResponse> GetKeys(ITicketKeyRing keys) =>
        TypedResults.Ok(new TicketKeysResponse(keys.PublicKeys.Select(TicketKeyResponse.From).ToList(), keys.SigningKeyId,
            "base64url of: format version (1 byte, 1), key id length (1), key id (ASCII), ticket id (16, big-endian), event id (16), " +
            "booking id (16), ticket version (1), seat label length (1), seat label (UTF-8), then the ES256 signature (64 bytes, r||s) " +
            "of everything before it."));

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetQrCode(
        string ticketId, ClaimsPrincipal user, IGrainFactory grains, string format = "svg")
    {
        // Checked here rather than by a route constraint, so that a malformed id is a 400 that says so, not a 404.
        if (!Guid.TryParse(ticketId, out var id))
        {
            return Problems.Invalid("ticketId", $"must be a ticket id (a GUID), not '{ticketId}'.");
        }

        if (format is not ("svg" or "png"))
        {
            return Problems.Invalid("format", $"must be svg or png, not '{format}'.");
        }

        var notFound = Problems.NotFound($"Ticket {id} does not exist.");
        if (await grains.GetGrain<ITicketGrain>(id).GetBookingId() is not { } bookingId)
        {
            return notFound;
        }

        var booking = await grains.GetGrain<IBookingGrain>(bookingId).Get(user.BookingOwnerFilter());
        if (booking?.Tickets.FirstOrDefault(t => t.Id == id) is not { } ticket)
        {
            return notFound;
        }

        if (booking.Status != BookingStatus.Confirmed)
        {
            return Problems.Conflict($"The booking is {booking.Status}: its tickets are revoked.");
        }

        using var data = QRCodeGenerator.GenerateQrCode(ticket.Code, QRCodeGenerator.ECCLevel.M);
        return format == "png"
            ? TypedResults.File(new PngByteQRCode(data).GetGraphic(8), "image/png")
            : TypedResults.File(Encoding.UTF8.GetBytes(new SvgQRCode(data).GetGraphic(8)), "image/svg+xml");
    }

    private static async Task<Results<Ok<StaffResponse>, ValidationProblem, ProblemHttpResult>> AssignStaff(
        Guid eventId, AssignStaffRequest request, ClaimsPrincipal user, IGrainFactory grains, EventStaffCache staffCache)
    {
        var errors = new ValidationErrors();
        var subject = request.Validate(errors);
        if (subject is null)
        {
            return Problems.Invalid(errors);
        }

        if (await EventOwnership.RefuseUnlessOwnerAsync(eventId, user, grains) is { } refusal)
        {
            return refusal;
        }

        var grain = grains.GetGrain<IEventGrain>(eventId);
        var current = await grain.GetStaff();
        if (!current.Contains(subject) && current.Count >= Grains.Domain.EventState.MaxStaff)
        {
            return Problems.Invalid("subject", $"cannot be added: an event has at most {Grains.Domain.EventState.MaxStaff} staff.");
        }

        var staff = await grain.AddStaff(subject);
        staffCache.Invalidate(eventId);
        return staff is null ? Problems.NotFound($"Event {eventId} does not exist.") : TypedResults.Ok(new StaffResponse(eventId, staff));
    }

    private static async Task<Results<Ok<CheckinResponse>, ValidationProblem, ProblemHttpResult>> CheckIn(
        Guid eventId, CheckinRequestBody request, ClaimsPrincipal user, IGrainFactory grains, EventStaffCache staff, ITicketKeyRing keys)
    {
        if (await RefuseUnlessStaffAsync(eventId, user, staff) is { } refusal)
        {
            return refusal;
        }

        var errors = new ValidationErrors();
        var gate = ValidGate(request.Gate, "gate", errors);
        if (string.IsNullOrEmpty(request.Code))
        {
            errors.Add("code", "is required: the ticket code the QR code holds.");
        }

        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        if (Verify(request.Code, eventId, keys, out var claims) is { } invalid)
        {
            return Unprocessable(invalid);
        }

        var outcome = await grains.GetGrain<ITicketGrain>(claims!.TicketId)
            .CheckIn(new CheckinRequest(eventId, claims.BookingId, claims.Seat, gate!, user.SubjectId()!, null, null));
        return outcome.Status switch
        {
            CheckinStatus.Admitted => TypedResults.Ok(new CheckinResponse(claims.TicketId, outcome.Seat, outcome.Admission!.At, outcome.Admission.Gate)),
            CheckinStatus.Revoked => Unprocessable(RevokedDetail),
            _ => Problems.Conflict(
                $"Ticket {claims.TicketId} ({outcome.Seat}) entered already, at {outcome.Admission!.At:O} through gate {outcome.Admission.Gate}.",
                new Dictionary<string, object?>
                {
                    ["ticketId"] = claims.TicketId,
                    ["seat"] = outcome.Seat,
                    ["checkedInAt"] = outcome.Admission.At,
                    ["gate"] = outcome.Admission.Gate,
                }),
        };
    }

    private static async Task<Results<Ok<CheckinListResponse>, ValidationProblem, ProblemHttpResult>> GetCheckinList(
        Guid eventId, ClaimsPrincipal user, IGrainFactory grains, EventStaffCache staff, ITicketKeyRing keys, long since = 0)
    {
        if (await RefuseUnlessStaffAsync(eventId, user, staff) is { } refusal)
        {
            return refusal;
        }

        if (since < 0)
        {
            return Problems.Invalid("since", "must be 0 (the whole list) or a version of this list.");
        }

        var snapshot = await grains.GetGrain<ICheckinLedgerGrain>(eventId).GetList(since);
        return TypedResults.Ok(CheckinList.Sign(eventId, snapshot, keys));
    }

    private static async Task<Results<Ok<CheckinBatchResponse>, ValidationProblem, ProblemHttpResult>> UploadOfflineScans(
        Guid eventId, JsonElement body, ClaimsPrincipal user, IGrainFactory grains, EventStaffCache staff, ITicketKeyRing keys,
        IOptions<JsonOptions> json, TimeProvider clock)
    {
        if (await RefuseUnlessStaffAsync(eventId, user, staff) is { } refusal)
        {
            return refusal;
        }

        // Read here, after the caller is known to be the event's staff: a stranger learns nothing from how its body is refused.
        List<OfflineScanRequest?> scans;
        try
        {
            scans = body.ValueKind == JsonValueKind.Array ? body.Deserialize<List<OfflineScanRequest?>>(json.Value.SerializerOptions) ?? [] : throw new JsonException();
        }
        catch (JsonException)
        {
            return Problems.Invalid("", "the body must be a JSON array of scans {code, gate, scannedAt (ISO 8601), nonce}.");
        }

        var errors = new ValidationErrors();
        if (scans.Count is 0 or > MaxBatchScans)
        {
            errors.Add("", $"give 1 to {MaxBatchScans} scans ({scans.Count} given).");
        }

        var nonces = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < scans.Count && !errors.Any; i++)
        {
            if (scans[i] is not { } scan)
            {
                errors.Add($"[{i}]", "must be a scan {code, gate, scannedAt, nonce}.");
                continue;
            }

            ValidGate(scan.Gate, $"[{i}].gate", errors);
            if (string.IsNullOrEmpty(scan.Code))
            {
                errors.Add($"[{i}].code", "is required.");
            }

            if (scan.ScannedAt is null)
            {
                errors.Add($"[{i}].scannedAt", "is required: when the ticket was scanned (ISO 8601).");
            }
            else if (scan.ScannedAt > clock.GetUtcNow() + MaxScannerClockAhead)
            {
                errors.Add($"[{i}].scannedAt", $"is in the future ({scan.ScannedAt:O}); check the scanner's clock.");
            }

            if (string.IsNullOrEmpty(scan.Nonce) || scan.Nonce.Length > MaxNonceLength)
            {
                errors.Add($"[{i}].nonce", $"is required: 1 to {MaxNonceLength} characters, unique per scan, the same when the scan is uploaded again.");
            }
            else if (!nonces.Add(scan.Nonce))
            {
                errors.Add($"[{i}].nonce", $"'{scan.Nonce}' appears twice in this upload: each scan has its own nonce.");
            }
        }

        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        // In the order the scans happened, so that the earliest admission of a ticket is its first.
        var results = new OfflineScanResponse[scans.Count];
        foreach (var (scan, index) in scans.Select((s, i) => (s!, i)).OrderBy(x => x.Item1.ScannedAt))
        {
            if (Verify(scan.Code, eventId, keys, out var claims) is { } invalid)
            {
                results[index] = new OfflineScanResponse(index, scan.Nonce, OfflineScanResult.Rejected, false, null, null, null, invalid);
                continue;
            }

            var outcome = await grains.GetGrain<ITicketGrain>(claims!.TicketId)
                .CheckIn(new CheckinRequest(eventId, claims.BookingId, claims.Seat, scan.Gate!.Trim(), user.SubjectId()!, scan.ScannedAt, scan.Nonce));
            results[index] = outcome.Status switch
            {
                CheckinStatus.Admitted => new(index, scan.Nonce, OfflineScanResult.Admitted, outcome.Replayed, claims.TicketId, outcome.Seat, null, null),
                CheckinStatus.Revoked => new(index, scan.Nonce, OfflineScanResult.Rejected, outcome.Replayed, claims.TicketId, outcome.Seat, null, RevokedDetail),
                _ => new(index, scan.Nonce, OfflineScanResult.Conflict, outcome.Replayed, claims.TicketId, outcome.Seat,
                    AdmissionResponse.From(outcome.Admission!),
                    $"Entered already at {outcome.Admission!.At:O} through gate {outcome.Admission.Gate}: let in twice."),
            };
        }

        return TypedResults.Ok(new CheckinBatchResponse(
            results.Count(r => r.Result == OfflineScanResult.Admitted),
            results.Count(r => r.Result == OfflineScanResult.Conflict),
            results.Count(r => r.Result == OfflineScanResult.Rejected),
            results));
    }

    private static async Task<Results<Ok<List<CheckinConflictResponse>>, ProblemHttpResult>> GetConflicts(
        Guid eventId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await EventOwnership.RefuseUnlessOwnerAsync(eventId, user, grains) is { } refusal)
        {
            return refusal;
        }

        var conflicts = await grains.GetGrain<ICheckinLedgerGrain>(eventId).GetConflicts();
        return TypedResults.Ok(conflicts.Select(CheckinConflictResponse.From).ToList());
    }

    private const string RevokedDetail = "This ticket is revoked: its booking was cancelled or refunded.";

    /// <summary>Why the code cannot be let in, or null with its claims when it is a genuine ticket of this event.</summary>
    private static string? Verify(string? code, Guid eventId, ITicketKeyRing keys, out TicketClaims? claims)
    {
        var error = TicketCode.Verify(code, keys, out claims);
        return error switch
        {
            TicketCodeError.None when claims!.EventId != eventId => $"This is a ticket of another event ({claims.EventId}), not of {eventId}.",
            TicketCodeError.None => null,
            TicketCodeError.UnknownKey => $"The code is signed with key '{TicketCode.KeyIdOf(code!)}', which is not a ticket key of this service: not a genuine ticket.",
            TicketCodeError.BadSignature => "The code's signature does not match its content: forged or altered, not a genuine ticket.",
            TicketCodeError.UnknownFormat => "The code is not in a ticket code format this service knows.",
            _ => "The code is not a readable ticket code (truncated, mistyped or not a ticket).",
        };
    }

    private static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Ticket refused");

    private static string? ValidGate(string? gate, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(gate) || gate.Trim().Length > MaxGateLength || gate.Any(char.IsControl))
        {
            errors.Add(field, $"is required: the gate's name, 1 to {MaxGateLength} characters, e.g. North-3.");
            return null;
        }

        return gate.Trim();
    }

    /// <summary>
    /// Staff assigned to this event (or an admin) may scan it; anyone else gets 403, whether or not the event exists
    /// (an admin is told 404 for an event that does not exist).
    /// </summary>
    private static async Task<ProblemHttpResult?> RefuseUnlessStaffAsync(Guid eventId, ClaimsPrincipal user, EventStaffCache staff)
    {
        var isStaff = await staff.IsStaffAsync(eventId, user.SubjectId());
        if (isStaff == true)
        {
            return null;
        }

        return user.IsAdmin()
            ? isStaff is null ? Problems.NotFound($"Event {eventId} does not exist.") : null
            : Problems.Forbidden($"You are not assigned as staff of event {eventId}: its organizer assigns staff.");
    }
}

/// <summary>The offline check-in list as sent: compact and signed.</summary>
public static class CheckinList
{
    public static CheckinListResponse Sign(Guid eventId, CheckinListSnapshot snapshot, ITicketSigner signer)
    {
        var valid = Ids(snapshot.Valid);
        var revoked = Ids(snapshot.Revoked);
        var signature = signer.Sign(SignedBytes(eventId, snapshot.Version, snapshot.Since, snapshot.Valid.Count, snapshot.Revoked.Count, valid, revoked));
        return new CheckinListResponse(eventId, snapshot.Version, snapshot.Since, snapshot.Since == 0, snapshot.Valid.Count, snapshot.Revoked.Count,
            Base64Url.Encode(valid), Base64Url.Encode(revoked), signer.SigningKeyId, Base64Url.Encode(signature));
    }

    /// <summary>What the list's signature covers (see <see cref="CheckinListResponse"/>).</summary>
    public static byte[] SignedBytes(Guid eventId, long version, long since, int validCount, int revokedCount, byte[] valid, byte[] revoked) =>
        [.. Encoding.UTF8.GetBytes($"checkin-list|1|{eventId:D}|{version}|{since}|{validCount}|{revokedCount}|"), .. valid, .. revoked];

    /// <summary>The ids of a list as it travels: 16 bytes each, big-endian.</summary>
    public static byte[] Ids(IReadOnlyList<Guid> ids)
    {
        var bytes = new byte[ids.Count * 16];
        for (var i = 0; i < ids.Count; i++)
        {
            ids[i].TryWriteBytes(bytes.AsSpan(i * 16), bigEndian: true, out _);
        }

        return bytes;
    }

    public static IReadOnlyList<Guid> ReadIds(string encoded) =>
        Base64Url.TryDecode(encoded, out var bytes) && bytes.Length % 16 == 0
            ? Enumerable.Range(0, bytes.Length / 16).Select(i => new Guid(bytes.AsSpan(i * 16, 16), bigEndian: true)).ToList()
            : throw new FormatException("Not a list of 16-byte ids.");
}
