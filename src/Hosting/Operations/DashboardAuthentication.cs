using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ticketing.Hosting.Operations;

/// <summary>The dashboard's credentials ("Dashboard:Username", "Dashboard:Password").</summary>
public sealed class DashboardCredentials
{
    public const string SectionName = "Dashboard";

    /// <summary>
    /// Off, no host runs the dashboard: it samples every Orleans meter each second and times every grain call,
    /// about a tenth of a busy silo's CPU (measured in the README's Performance section).
    /// </summary>
    public bool Enabled { get; set; } = true;

    [Required]
    public string Username { get; set; } = "admin";

    public string? Password { get; set; }
}

/// <summary>
/// HTTP Basic authentication for the Orleans Dashboard outside Development: it shows grain state and logs, so it
/// must not be open. Without a configured password nobody gets in. Use it behind TLS (an ingress) in production.
/// </summary>
public sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<DashboardCredentials> credentials) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DashboardBasic";
    public const string Policy = "Dashboard";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The only scheme, so ASP.NET Core runs it on every request: answer nothing, cheaply, off the dashboard.
        if (!Request.Path.StartsWithSegments(DeploymentContract.DashboardPath, StringComparison.OrdinalIgnoreCase)
            || !AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = credentials.Value;
        if (string.IsNullOrEmpty(expected.Password))
        {
            return Task.FromResult(AuthenticateResult.Fail($"No dashboard password is configured ({DeploymentContract.DashboardPasswordVariable})."));
        }

        string given;
        try
        {
            given = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        }

        var separator = given.IndexOf(':');
        if (separator < 0 || !FixedTimeEquals(given[..separator], expected.Username) || !FixedTimeEquals(given[(separator + 1)..], expected.Password))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong dashboard credentials."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, expected.Username)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans Dashboard\", charset=\"UTF-8\"";
        return base.HandleChallengeAsync(properties);
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
