using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Tickets;

namespace Ticketing.Api.Contracts;

/// <summary>One verification key as a JWK (RFC 7517/7518): ECDSA P-256, ES256.</summary>
public sealed record TicketKeyResponse(string Kty, string Crv, string Kid, string X, string Y, string Alg, string Use)
{
    public static TicketKeyResponse From(TicketPublicKey key) => new("EC", "P-256", key.KeyId, key.X, key.Y, "ES256", "sig");
}

/// <summary>A JWK set of the keys ticket codes are checked with; signingKeyId names the one that signs new tickets.</summary>
public sealed record TicketKeysResponse(IReadOnlyList<TicketKeyResponse> Keys, string SigningKeyId, string CodeFormat);

public sealed record AssignStaffRequest(string? Subject)
{
    public const int MaxSubjectLength = 200;

    public string? Validate(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Subject) || Subject.Trim().Length > MaxSubjectLength)
        {
            errors.Add("subject", $"is required: the staff member's token subject, 1 to {MaxSubjectLength} characters.");
            return null;
        }

        return Subject.Trim();
    }
}

public sealed record StaffResponse(Guid EventId, IReadOnlyList<string> Staff);

public sealed record CheckinRequestBody(string? Code, string? Gate);

public sealed record CheckinResponse(Guid TicketId, string Seat, DateTimeOffset CheckedInAt, string Gate);

/// <summary>A scan made while the gate was offline.</summary>
public sealed record OfflineScanRequest(string? Code, string? Gate, DateTimeOffset? ScannedAt, string? Nonce);

public enum OfflineScanResult
{
    /// <summary>The ticket's first admission.</summary>
    Admitted,

    /// <summary>The ticket had entered already: it was let in twice, and the organizer sees the conflict.</summary>
    Conflict,

    /// <summary>Not a valid ticket of this event (forged, tampered, another event's, revoked).</summary>
    Rejected,
}

public sealed record OfflineScanResponse(
    int Index,
    string? Nonce,
    OfflineScanResult Result,
    bool Replayed,
    Guid? TicketId,
    string? Seat,
    AdmissionResponse? FirstAdmission,
    string? Detail);

public sealed record CheckinBatchResponse(int Admitted, int Conflicts, int Rejected, IReadOnlyList<OfflineScanResponse> Results);

public sealed record AdmissionResponse(DateTimeOffset At, string Gate, string Staff, bool Offline)
{
    public static AdmissionResponse From(TicketAdmission a) => new(a.At, a.Gate, a.StaffId, a.Nonce is not null);
}

public sealed record CheckinConflictResponse(Guid TicketId, string Seat, AdmissionResponse First, AdmissionResponse Second, DateTimeOffset ReportedAt)
{
    public static CheckinConflictResponse From(CheckinConflict c) =>
        new(c.TicketId, c.Seat, AdmissionResponse.From(c.First), AdmissionResponse.From(c.Second), c.ReportedAt);
}

/// <summary>
/// The offline check-in list: the ticket ids that may enter and those revoked, each a base64url string of 16-byte
/// big-endian ids in ascending order; signed (ES256, key keyId) over
/// "checkin-list|1|{eventId}|{version}|{since}|{validCount}|{revokedCount}|" (UTF-8) followed by the raw ids.
/// </summary>
public sealed record CheckinListResponse(
    Guid EventId,
    long Version,
    long Since,
    bool Full,
    int ValidCount,
    int RevokedCount,
    string Valid,
    string Revoked,
    string KeyId,
    string Signature);
