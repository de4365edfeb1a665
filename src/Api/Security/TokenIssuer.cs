using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ticketing.Api.Security;

/// <summary>Signs tokens with the configured HMAC key: the development tokens, and tests.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public static SymmetricSecurityKey KeyFrom(string signingKey) => new(Encoding.UTF8.GetBytes(signingKey));

    public TimeSpan Lifetime => options.Value.DevelopmentTokenLifetime;

    public string Issue(string subject, IReadOnlyCollection<string> roles, TimeSpan? lifetime = null)
    {
        var jwt = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { [Roles.SubjectClaim] = subject, [Roles.RoleClaim] = roles.ToArray() };
        if (subject.Contains('@'))
        {
            claims[Roles.EmailClaim] = subject;
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? jwt.DevelopmentTokenLifetime),
            SigningCredentials = new SigningCredentials(KeyFrom(jwt.SigningKey!), SecurityAlgorithms.HmacSha256),
        });
    }
}
