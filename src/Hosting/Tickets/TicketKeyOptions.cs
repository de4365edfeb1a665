using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Ticketing.Hosting.Tickets;

/// <summary>
/// The keys ticket codes are signed and checked with ("Tickets" section): ECDSA P-256 keys by key id
/// (Tickets:Keys:{kid}:PrivateKey, base64 PKCS#8; or Tickets:Keys:{kid}:PublicKey, base64 SubjectPublicKeyInfo, for a
/// key that only checks the tickets it signed before a rotation) and the one that signs new tickets
/// (Tickets:SigningKeyId). With no keys configured, a development key is generated once and kept in
/// Tickets:DevelopmentKeyPath, shared by every process of the machine's user.
/// </summary>
public sealed partial class TicketKeyOptions : IValidatableObject
{
    public const string SectionName = "Tickets";

    public string? SigningKeyId { get; set; }

    public Dictionary<string, TicketKeySettings> Keys { get; set; } = [];

    /// <summary>Where the generated development key is kept (default: the user's local application data, Ticketing/ticket-signing-key.dev.json).</summary>
    public string? DevelopmentKeyPath { get; set; }

    public bool HasConfiguredKeys => Keys.Count > 0 || !string.IsNullOrEmpty(SigningKeyId);

    public static string DefaultDevelopmentKeyPath
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.Combine(string.IsNullOrEmpty(root) ? Path.Combine(AppContext.BaseDirectory, ".keys") : Path.Combine(root, "Ticketing"),
                "ticket-signing-key.dev.json");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,16}$")]
    public static partial Regex KeyIdPattern();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!HasConfiguredKeys)
        {
            yield break;
        }

        if (string.IsNullOrEmpty(SigningKeyId) || !Keys.TryGetValue(SigningKeyId, out var signing))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SigningKeyId)} must name one of {SectionName}:Keys ({string.Join(", ", Keys.Keys)}), not '{SigningKeyId}'.",
                [nameof(SigningKeyId)]);
        }
        else if (string.IsNullOrEmpty(signing.PrivateKey))
        {
            yield return new ValidationResult($"{SectionName}:Keys:{SigningKeyId}:PrivateKey must be set: it signs new tickets.", [nameof(Keys)]);
        }

        foreach (var (keyId, key) in Keys)
        {
            if (!KeyIdPattern().IsMatch(keyId))
            {
                yield return new ValidationResult($"{SectionName}:Keys:{keyId}: a key id has 1 to 16 of A-Z a-z 0-9 _ . -", [nameof(Keys)]);
            }

            if (key.Load(out var error) is { } loaded)
            {
                loaded.Dispose();
            }
            else
            {
                yield return new ValidationResult($"{SectionName}:Keys:{keyId}: {error}", [nameof(Keys)]);
            }
        }
    }
}

/// <summary>One key: a private key (signs and checks) or only a public key (checks).</summary>
public sealed class TicketKeySettings
{
    public string? PrivateKey { get; set; }

    public string? PublicKey { get; set; }

    /// <summary>The key, or null with the reason it cannot be used.</summary>
    public ECDsa? Load(out string? error)
    {
        error = null;
        var key = ECDsa.Create();
        try
        {
            if (!string.IsNullOrEmpty(PrivateKey))
            {
                key.ImportPkcs8PrivateKey(Convert.FromBase64String(PrivateKey), out _);
            }
            else if (!string.IsNullOrEmpty(PublicKey))
            {
                key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(PublicKey), out _);
            }
            else
            {
                error = "set PrivateKey (base64 PKCS#8) or PublicKey (base64 SubjectPublicKeyInfo).";
            }
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            error = $"not a base64 P-256 key ({e.Message.TrimEnd('.')}).";
        }

        if (error is null && key.KeySize != 256)
        {
            error = $"a {key.KeySize}-bit key; ticket keys are ECDSA P-256.";
        }

        if (error is null && !string.IsNullOrEmpty(PrivateKey) && !string.IsNullOrEmpty(PublicKey)
            && !key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(TryDecode(PublicKey)))
        {
            error = "PublicKey is not the public half of PrivateKey.";
        }

        if (error is null)
        {
            return key;
        }

        key.Dispose();
        return null;
    }

    private static byte[] TryDecode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
