using System.Text;

namespace Ticketing.Grains.Tickets;

/// <summary>What a ticket code says about its ticket; all of it is covered by the signature.</summary>
public sealed record TicketClaims(Guid TicketId, Guid EventId, Guid BookingId, string Seat, byte Version);

/// <summary>Signs ticket codes with the one current signing key.</summary>
public interface ITicketSigner
{
    /// <summary>The key id written into each code, so that a scanner knows which public key checks it.</summary>
    string SigningKeyId { get; }

    /// <summary>The signature of <paramref name="data"/> (ES256, 64 bytes r‖s).</summary>
    byte[] Sign(ReadOnlySpan<byte> data);
}

/// <summary>The keys ticket codes are checked with: the signing key and any older ones kept for issued tickets.</summary>
public interface ITicketKeyRing : ITicketSigner
{
    /// <summary>True when the key <paramref name="keyId"/> is known and signed <paramref name="data"/>.</summary>
    bool Verify(string keyId, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Every verification key, for GET /api/ticket-keys.</summary>
    IReadOnlyList<TicketPublicKey> PublicKeys { get; }
}

/// <summary>A P-256 public key as a JWK gives it: base64url of the point's coordinates.</summary>
public sealed record TicketPublicKey(string KeyId, string X, string Y);

/// <summary>Why a code was refused before any grain was asked.</summary>
public enum TicketCodeError
{
    None,

    /// <summary>Not base64url, too short, too long, or fields that do not fit (a truncated or mangled code).</summary>
    Malformed,

    /// <summary>A format version this service does not know.</summary>
    UnknownFormat,

    /// <summary>Signed with a key this service does not know (forged, or a key that was withdrawn).</summary>
    UnknownKey,

    /// <summary>The signature does not match the content (forged or tampered with).</summary>
    BadSignature,
}

/// <summary>
/// The ticket code: base64url (no padding) of a small binary payload and its ES256 signature, short enough for a
/// QR code of version 9 (53×53 modules, level M) for a short seat label. Layout, all lengths in bytes:
/// format version (1, = 1) · key id length (1) · key id (ASCII, 1-16) · ticket id (16) · event id (16) ·
/// booking id (16) · ticket version (1) · seat label length (1) · seat label (UTF-8, 0-64) · signature (64, r‖s of
/// ECDSA P-256 over SHA-256 of everything before it). Guids are big-endian (RFC 9562 byte order).
/// </summary>
public static class TicketCode
{
    public const byte FormatVersion = 1;

    public const int SignatureLength = 64;

    public const int MaxKeyIdLength = 16;

    public const int MaxSeatBytes = 64;

    private const int FixedLength = 1 + 1 + 16 + 16 + 16 + 1 + 1;

    /// <summary>The longest code there can be, in characters; longer input is refused before decoding.</summary>
    public const int MaxLength = ((FixedLength + MaxKeyIdLength + MaxSeatBytes + SignatureLength) * 4 + 2) / 3;

    public static string Issue(TicketClaims claims, ITicketSigner signer)
    {
        var keyId = Encoding.ASCII.GetBytes(signer.SigningKeyId);
        if (keyId.Length is 0 or > MaxKeyIdLength)
        {
            throw new ArgumentException($"A ticket key id has 1 to {MaxKeyIdLength} ASCII characters, not '{signer.SigningKeyId}'.", nameof(signer));
        }

        var seat = SeatBytes(claims.Seat);
        var payload = new byte[FixedLength + keyId.Length + seat.Length];
        var at = 0;
        payload[at++] = FormatVersion;
        payload[at++] = (byte)keyId.Length;
        keyId.CopyTo(payload, at);
        at += keyId.Length;
        at += WriteGuid(claims.TicketId, payload.AsSpan(at));
        at += WriteGuid(claims.EventId, payload.AsSpan(at));
        at += WriteGuid(claims.BookingId, payload.AsSpan(at));
        payload[at++] = claims.Version;
        payload[at++] = (byte)seat.Length;
        seat.CopyTo(payload, at);

        var signature = signer.Sign(payload);
        if (signature.Length != SignatureLength)
        {
            throw new InvalidOperationException($"A ticket signature has {SignatureLength} bytes, not {signature.Length}.");
        }

        return Base64Url.Encode([.. payload, .. signature]);
    }

    /// <summary>Decodes <paramref name="code"/> and checks its signature; the claims only when it is genuine.</summary>
    public static TicketCodeError Verify(string? code, ITicketKeyRing keys, out TicketClaims? claims)
    {
        claims = null;
        if (string.IsNullOrEmpty(code) || code.Length > MaxLength || !Base64Url.TryDecode(code, out var bytes)
            || bytes.Length < FixedLength + 1 + SignatureLength)
        {
            return TicketCodeError.Malformed;
        }

        if (bytes[0] != FormatVersion)
        {
            return TicketCodeError.UnknownFormat;
        }

        var keyIdLength = bytes[1];
        var seatAt = 2 + keyIdLength + 16 * 3 + 1;
        if (keyIdLength is 0 or > MaxKeyIdLength || seatAt >= bytes.Length)
        {
            return TicketCodeError.Malformed;
        }

        var seatLength = bytes[seatAt];
        var payloadLength = seatAt + 1 + seatLength;
        if (seatLength > MaxSeatBytes || payloadLength + SignatureLength != bytes.Length)
        {
            return TicketCodeError.Malformed;
        }

        var keyId = Encoding.ASCII.GetString(bytes, 2, keyIdLength);
        if (!keys.PublicKeys.Any(k => k.KeyId == keyId))
        {
            return TicketCodeError.UnknownKey;
        }

        if (!keys.Verify(keyId, bytes.AsSpan(0, payloadLength), bytes.AsSpan(payloadLength)))
        {
            return TicketCodeError.BadSignature;
        }

        var at = 2 + keyIdLength;
        var ticketId = ReadGuid(bytes.AsSpan(at));
        var eventId = ReadGuid(bytes.AsSpan(at + 16));
        var bookingId = ReadGuid(bytes.AsSpan(at + 32));
        var version = bytes[at + 48];
        string seat;
        try
        {
            seat = new UTF8Encoding(false, true).GetString(bytes, seatAt + 1, seatLength);
        }
        catch (DecoderFallbackException)
        {
            return TicketCodeError.Malformed;
        }

        claims = new TicketClaims(ticketId, eventId, bookingId, seat, version);
        return TicketCodeError.None;
    }

    /// <summary>The key id a code names, without checking anything else (for telling which key issued it).</summary>
    public static string? KeyIdOf(string code) =>
        Base64Url.TryDecode(code, out var bytes) && bytes.Length > 2 && bytes[1] is > 0 and <= MaxKeyIdLength && bytes.Length > 2 + bytes[1]
            ? Encoding.ASCII.GetString(bytes, 2, bytes[1])
            : null;

    /// <summary>The seat label as it goes into a code: UTF-8, cut to at most 64 bytes on a character boundary.</summary>
    private static byte[] SeatBytes(string seat)
    {
        var bytes = Encoding.UTF8.GetBytes(seat);
        if (bytes.Length <= MaxSeatBytes)
        {
            return bytes;
        }

        var length = MaxSeatBytes;
        while (length > 0 && (bytes[length] & 0xC0) == 0x80)
        {
            length--;
        }

        return bytes[..length];
    }

    private static int WriteGuid(Guid id, Span<byte> destination)
    {
        id.TryWriteBytes(destination, bigEndian: true, out var written);
        return written;
    }

    private static Guid ReadGuid(ReadOnlySpan<byte> source) => new(source[..16], bigEndian: true);
}

/// <summary>base64url without padding (RFC 4648 §5), as in JWTs.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return false;
        }

        var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
