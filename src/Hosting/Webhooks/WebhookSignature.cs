using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ticketing.Hosting.Webhooks;

/// <summary>
/// The signature of a webhook request, header <c>Ticketing-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where the
/// hex is the HMAC-SHA256, keyed with the endpoint's secret (its UTF-8 bytes), of "&lt;t&gt;.&lt;body&gt;". A receiver
/// recomputes it from the raw body, compares in constant time, and refuses a t too far from its own clock (replays).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Ticketing-Signature";
    public const string EventIdHeader = "Ticketing-Event-Id";
    public const string EventTypeHeader = "Ticketing-Event-Type";

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Whether <paramref name="header"/> signs <paramref name="body"/> with <paramref name="secret"/> within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (header is null)
        {
            return false;
        }

        long? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair is ["t", var value] && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                t = seconds;
            }
            else if (pair is ["v1", var signature])
            {
                signatures.Add(signature);
            }
        }

        if (t is not { } timestamp || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body).Split("v1=")[1]);
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }

    /// <summary>A new secret: 32 random bytes, base64url, prefixed "whsec_".</summary>
    public static string NewSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
