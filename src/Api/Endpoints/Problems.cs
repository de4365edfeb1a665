using Microsoft.AspNetCore.Http.HttpResults;
using Ticketing.Api.Contracts;
using Ticketing.Api.Routing;

namespace Ticketing.Api.Endpoints;

/// <summary>RFC 9457 problem responses used across the endpoints.</summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);

    public static ValidationProblem Invalid(ValidationErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail: errors.Summary(), title: "Invalid request");

    public static ValidationProblem Invalid(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    public static ProblemHttpResult From(RoutingError error) =>
        TypedResults.Problem(error.Detail, statusCode: error.StatusCode, title: error.Title);

    /// <summary>
    /// Declares problem+json responses with these statuses. A <see cref="ProblemHttpResult"/> carries its status
    /// only at run time, so OpenAPI learns the statuses an endpoint can answer from here.
    /// </summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statusCodes)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var statusCode in statusCodes)
        {
            builder.ProducesProblem(statusCode);
        }

        return builder;
    }
}
