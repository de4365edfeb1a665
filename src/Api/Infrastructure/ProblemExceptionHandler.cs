using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Storage;

namespace Ticketing.Api.Infrastructure;

/// <summary>
/// Turns exceptions into problem+json: a request the framework could not read (malformed JSON, wrong types)
/// is the client's 400 with the reason; a cluster that cannot answer in time is a 503 to retry; anything else
/// is logged as a 500 without internals.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Invalid request", Describe(bad)),
            // A stale storage write (two activations of one grain for a moment): the grain reloads, the client retries.
            InconsistentStateException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The seat inventory changed underneath this request and was reloaded; nothing was kept from it. Retry the request."),
            TimeoutException or OrleansException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The seat inventory did not answer in time. Retry the request; with the same Idempotency-Key a retried booking cannot hold seats twice."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred."),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        // The serializer's conversion message names CLR types; say where the bad value is instead.
        JsonException { Path: { } path } json when json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) =>
            $"The request body's JSON has a value of the wrong type at {path}.",
        JsonException json => $"The request body is not valid JSON: {json.Message}",
        _ => exception.Message,
    };
}
