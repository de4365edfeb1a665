using Ticketing.Api.Routing;

namespace Ticketing.Api.Endpoints;

/// <summary>RFC 9457 problem responses used across the endpoints.</summary>
internal static class Problems
{
    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);

    public static IResult Invalid(ValidationErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail: errors.Summary(), title: "Invalid request");

    public static IResult Invalid(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    public static IResult From(RoutingError error) =>
        TypedResults.Problem(error.Detail, statusCode: error.StatusCode, title: error.Title);
}
