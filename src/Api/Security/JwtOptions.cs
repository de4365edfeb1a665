using System.ComponentModel.DataAnnotations;

namespace Ticketing.Api.Security;

/// <summary>
/// How bearer tokens are checked ("Jwt" section): a shared HMAC signing key with an issuer and audience, or an
/// OpenID Connect authority whose published keys sign them. Development has a key of its own (appsettings.Development.json).
/// </summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string SectionName = "Jwt";

    public const int MinSigningKeyLength = 32;

    [Required]
    public string Issuer { get; set; } = "ticketing";

    [Required]
    public string Audience { get; set; } = "ticketing-api";

    /// <summary>HMAC-SHA256 key, at least 32 characters; what the API and the load generator share outside an identity provider.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect issuer (https://…): its discovery document gives the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>Lifetime of the tokens POST /api/dev/tokens issues (Development only).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Tolerated clock difference between the issuer and this host.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool HasSigningKey => !string.IsNullOrEmpty(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!HasSigningKey && string.IsNullOrEmpty(Authority))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SigningKey)} or {SectionName}:{nameof(Authority)} must be set: without either no token can be checked.",
                [nameof(SigningKey), nameof(Authority)]);
        }

        if (HasSigningKey && SigningKey!.Length < MinSigningKeyLength)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SigningKey)} must be at least {MinSigningKeyLength} characters (configured: {SigningKey.Length}).", [nameof(SigningKey)]);
        }

        if (!string.IsNullOrEmpty(Authority) && (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(Authority)} must be an absolute https URL, not '{Authority}'.", [nameof(Authority)]);
        }
    }
}
