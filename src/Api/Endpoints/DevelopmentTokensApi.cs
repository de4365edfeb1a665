using Microsoft.AspNetCore.Http.HttpResults;
using Ticketing.Api.Contracts;
using Ticketing.Api.Security;

namespace Ticketing.Api.Endpoints;

/// <summary>The body of POST /api/dev/tokens.</summary>
public sealed record DevelopmentTokenRequest(string? Subject, List<string?>? Roles)
{
    public const int MaxSubjectLength = 200;

    public void Validate(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Subject) || Subject.Length > MaxSubjectLength)
        {
            errors.Add("subject", $"is required: 1 to {MaxSubjectLength} characters, e.g. alice@example.com.");
        }

        if (Roles is null || Roles.Count == 0)
        {
            errors.Add("roles", $"give at least one of {string.Join(", ", Security.Roles.All)}.");
            return;
        }

        for (var i = 0; i < Roles.Count; i++)
        {
            if (Roles[i] is not { } role || !Security.Roles.All.Contains(role))
            {
                errors.Add($"roles[{i}]", $"'{Roles[i]}' is not a role: use {string.Join(", ", Security.Roles.All)}.");
            }
        }
    }
}

public sealed record DevelopmentTokenResponse(string AccessToken, string TokenType, int ExpiresIn);

/// <summary>
/// Tokens for trying the API locally, signed with the development key. Mapped only in Development: elsewhere the
/// route does not exist (404), and tokens come from a real issuer.
/// </summary>
public static class DevelopmentTokensApi
{
    public const string Path = "/api/dev/tokens";

    public static IEndpointRouteBuilder MapDevelopmentTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, Issue)
            .AllowAnonymous()
            .LimitRate(SecurityExtensions.RateLimits.Tokens)
            .ExcludeFromDescription();
        return app;
    }

    private static Results<Ok<DevelopmentTokenResponse>, ValidationProblem> Issue(DevelopmentTokenRequest request, TokenIssuer issuer)
    {
        var errors = new ValidationErrors();
        request.Validate(errors);
        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        var roles = request.Roles!.Select(r => r!).Distinct().ToList();
        return TypedResults.Ok(new DevelopmentTokenResponse(issuer.Issue(request.Subject!.Trim(), roles), "Bearer", (int)issuer.Lifetime.TotalSeconds));
    }
}
