using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ticketing.LoadTest;

/// <summary>
/// Signs HS256 JWTs with the key the API checks them with (Jwt:SigningKey), so that the load generator can act as
/// many customers without an identity provider. Never a default key: it must be given.
/// </summary>
public sealed class TokenMinter(string signingKey, string issuer, string audience)
{
    private static readonly string Header = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));

    private readonly byte[] _key = Encoding.UTF8.GetBytes(signingKey);

    public string Mint(string subject, string[] roles, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = issuer, ["aud"] = audience, ["sub"] = subject, ["role"] = roles,
            ["iat"] = now, ["nbf"] = now - 60, ["exp"] = now + (long)lifetime.TotalSeconds,
        });
        var unsigned = $"{Header}.{Base64Url(payload)}";
        return $"{unsigned}.{Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(unsigned)))}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The tokens of one run: an operator (organizer and admin) and many customers, handed out in turn.</summary>
public sealed class RunTokens
{
    private readonly string[] _customers;
    private long _next = -1;

    public RunTokens(TokenMinter minter, int subjects, TimeSpan lifetime)
    {
        // One run's subjects are its own, so that runs against the same API never share a customer's budget or limit.
        var run = Guid.NewGuid().ToString("N")[..8];
        Operator = minter.Mint($"load-operator-{run}", ["organizer", "admin"], lifetime);
        _customers = Enumerable.Range(0, subjects).Select(i => minter.Mint($"load-{run}-{i}@example.com", ["customer"], lifetime)).ToArray();
    }

    public string Operator { get; }

    /// <summary>The next customer: each gets an equal share of the requests, so per-customer limits stay on and rarely bite.</summary>
    public string NextCustomer() => _customers[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)_customers.Length)];
}
