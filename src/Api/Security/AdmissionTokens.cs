using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Ticketing.Api.Security;

/// <summary>The "WaitingRoom" section: the key that signs admission tokens.</summary>
public sealed class WaitingRoomOptions : IValidatableObject
{
    public const string SectionName = "WaitingRoom";

    public const int MinKeyLength = 32;

    /// <summary>
    /// HMAC-SHA256 key of admission tokens, shared by every API host. Unset: derived from Jwt:SigningKey (or, with an
    /// identity provider and no signing key, drawn at random per process, which suits one API host only).
    /// </summary>
    public string? AdmissionKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdmissionKey is { } key && key.Length < MinKeyLength)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AdmissionKey)} must be at least {MinKeyLength} characters (configured: {key.Length}).", [nameof(AdmissionKey)]);
        }
    }
}

public enum AdmissionCheck
{
    Valid,
    Missing,
    Invalid,
    OtherEvent,
    OtherCustomer,
    Expired,
}

/// <summary>
/// Signed, short-lived proof that a customer was let in by an event's waiting room: <c>{payload}.{signature}</c>, both
/// base64url, the payload <c>{event id:N}|{expiry, unix seconds}|{customer}</c>, the signature HMAC-SHA256 over it.
/// </summary>
public sealed class AdmissionTokens
{
    public const string HeaderName = "Admission-Token";

    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public AdmissionTokens(IOptions<WaitingRoomOptions> options, IOptions<JwtOptions> jwt, TimeProvider clock)
    {
        _clock = clock;
        _key = options.Value.AdmissionKey is { } key ? Encoding.UTF8.GetBytes(key)
            : jwt.Value.SigningKey is { Length: > 0 } signing ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(signing), "admission-tokens"u8)
            : RandomNumberGenerator.GetBytes(32);
    }

    public string Issue(Guid eventId, string customerId, DateTimeOffset expiresAt)
    {
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{eventId:N}|{expiresAt.ToUnixTimeSeconds()}|{customerId}"));
        return $"{WebEncoders.Base64UrlEncode(payload)}.{WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, payload))}";
    }

    public AdmissionCheck Check(string? token, Guid eventId, string customerId)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return AdmissionCheck.Missing;
        }

        var dot = token.IndexOf('.');
        byte[] payload, signature;
        try
        {
            payload = WebEncoders.Base64UrlDecode(token[..Math.Max(dot, 0)]);
            signature = WebEncoders.Base64UrlDecode(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return AdmissionCheck.Invalid;
        }

        if (dot <= 0 || !CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
        {
            return AdmissionCheck.Invalid;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('|', 3);
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var tokenEvent) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var expires))
        {
            return AdmissionCheck.Invalid;
        }

        return tokenEvent != eventId ? AdmissionCheck.OtherEvent
            : parts[2] != customerId ? AdmissionCheck.OtherCustomer
            : _clock.GetUtcNow().ToUnixTimeSeconds() >= expires ? AdmissionCheck.Expired
            : AdmissionCheck.Valid;
    }
}
