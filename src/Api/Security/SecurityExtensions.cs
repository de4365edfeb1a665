using System.Globalization;
using Ticketing.Api.Endpoints;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Ticketing.Hosting.Options;
using Ticketing.Hosting.Tickets;

namespace Ticketing.Api.Security;

/// <summary>
/// Who may call what: JWT bearer authentication, the role policies, and the rate limits. Every refusal is
/// problem+json: 401 (with WWW-Authenticate) and 403 through the status-code pages, 429 (with Retry-After) here.
/// </summary>
public static class SecurityExtensions
{
    /// <summary>Rate-limiting policies, named on the endpoints they guard.</summary>
    public static class RateLimits
    {
        public const string CustomerWrites = "customer-writes";
        public const string AnonymousReads = "anonymous-reads";
        public const string Tokens = "tokens";
    }

    public static WebApplicationBuilder AddTicketingSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<JwtOptions>(builder.Configuration, JwtOptions.SectionName);
        services.AddValidatedOptions<RateLimitOptions>(builder.Configuration, RateLimitOptions.SectionName);
        services.AddSingleton<TokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, TimeProvider>((bearer, options, clock) => ConfigureBearer(bearer, options.Value, clock));

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Customer, p => p.RequireRole(Roles.Customer, Roles.Admin))
            .AddPolicy(Policies.Organizer, p => p.RequireRole(Roles.Organizer, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Staff, Roles.Admin));

        // Ticket codes are checked here and signed in the silo, with the same keys; gates are the event's staff.
        services.AddTicketKeys(builder.Configuration);
        services.AddSingleton<EventStaffCache>();

        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = WriteTooManyRequestsAsync;
            options.AddPolicy(RateLimits.CustomerWrites, context =>
            {
                var limits = Limits(context);
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.User.SubjectId() ?? ClientAddress(context), _ => Window(limits.CustomerPermits, limits.CustomerWindow));
            });
            options.AddPolicy(RateLimits.AnonymousReads, context =>
            {
                if (context.User.Identity?.IsAuthenticated == true)
                {
                    return RateLimitPartition.GetNoLimiter("signed-in");
                }

                var limits = Limits(context);
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => Window(limits.AnonymousReadPermits, limits.AnonymousReadWindow));
            });
            options.AddPolicy(RateLimits.Tokens, context =>
            {
                var limits = Limits(context);
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => Window(limits.TokenPermits, limits.TokenWindow));
            });
        });

        return builder;
    }

    public static WebApplication UseTicketingRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The detail of a 401 or 403 that the status-code pages turn into problem+json.</summary>
    public static void DescribeAuthorizationProblem(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        context.ProblemDetails.Detail ??= response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized when response.Headers.WWWAuthenticate.ToString().Contains("invalid_token", StringComparison.Ordinal) =>
                "The bearer token is invalid: expired, not yet valid, wrongly signed, or for another issuer or audience.",
            StatusCodes.Status401Unauthorized => "This needs a bearer token: send Authorization: Bearer <token>.",
            StatusCodes.Status403Forbidden => "The token's roles do not allow this, or the resource belongs to someone else.",
            _ => null,
        };
    }

    private static void ConfigureBearer(JwtBearerOptions bearer, JwtOptions jwt, TimeProvider clock)
    {
        // Claims keep their JWT names (sub, role, email) instead of the WS-* URIs.
        bearer.MapInboundClaims = false;
        if (!string.IsNullOrEmpty(jwt.Authority))
        {
            bearer.Authority = jwt.Authority;
        }

        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuers = string.IsNullOrEmpty(jwt.Authority) ? [jwt.Issuer] : [jwt.Issuer, jwt.Authority],
            ValidAudience = jwt.Audience,
            IssuerSigningKey = jwt.HasSigningKey ? TokenIssuer.KeyFrom(jwt.SigningKey!) : null,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            NameClaimType = Roles.SubjectClaim,
            RoleClaimType = Roles.RoleClaim,
            ClockSkew = jwt.ClockSkew,
            // The host's clock (TimeProvider), not the machine's, so that a token's lifetime and a hold's expiry agree.
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } end && now < end + parameters.ClockSkew && (notBefore is not { } start || now >= start - parameters.ClockSkew);
            },
        };
    }

    private static RateLimitOptions Limits(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many requests from this customer or address; retry after {seconds} s.",
            },
        });
    }
}

/// <summary>Endpoint conventions that also tell OpenAPI the refusals they bring.</summary>
public static class EndpointSecurityConventions
{
    /// <summary>Only callers the policy admits: 401 without a valid token, 403 with one whose roles do not fit.</summary>
    public static TBuilder RequirePolicy<TBuilder>(this TBuilder builder, string policy)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

    /// <summary>Counted against a rate limit: 429 with Retry-After when it is used up.</summary>
    public static TBuilder LimitRate<TBuilder>(this TBuilder builder, string policy)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(policy).ProducesProblems(StatusCodes.Status429TooManyRequests);
}
