using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ticketing.ApiTests;

/// <summary>A response the host sent: the endpoint's HTTP method and route pattern, and the status code.</summary>
public sealed record RecordedResponse(string Method, string RoutePattern, int StatusCode);

/// <summary>
/// Records, for every response of the host, which endpoint answered with which status. It wraps the whole
/// pipeline, so it sees the final status, including those the exception handler writes.
/// </summary>
public sealed class ResponseStatusRecorder : IStartupFilter
{
    private readonly ConcurrentQueue<RecordedResponse> _responses = new();

    public IReadOnlyCollection<RecordedResponse> Responses => _responses;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                Record(context);
            }
        });
        next(app);
    };

    private void Record(HttpContext context)
    {
        // The exception handler clears the endpoint before it writes its problem; it keeps it in its feature.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (endpoint is RouteEndpoint route && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
        {
            _responses.Enqueue(new RecordedResponse(context.Request.Method, route.RoutePattern.RawText ?? "", context.Response.StatusCode));
        }
    }
}
