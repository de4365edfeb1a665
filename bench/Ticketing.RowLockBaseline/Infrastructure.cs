using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Ticketing.RowLockBaseline;

/// <summary>Writes every time as ISO 8601 in UTC with a 'Z' (as Ticketing.Api does); reads any offset.</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}

/// <summary>
/// Unreadable requests are the client's 400 with the reason; a database that cannot answer is a 503 to retry;
/// anything else is logged and answered 500 without internals.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Invalid request", bad.InnerException is JsonException json
                ? $"The request body is not valid JSON or has a value of the wrong type{(json.Path is null ? "" : $" at {json.Path}")}."
                : bad.Message),
            NpgsqlException { IsTransient: true } or TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The database did not answer in time. Retry the request."),
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
}
