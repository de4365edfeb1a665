using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using Ticketing.Api.Infrastructure;

namespace Ticketing.ApiTests;

/// <summary>Failures the cluster raises, as a client sees them.</summary>
public sealed class ProblemExceptionHandlerTests
{
    private static async Task<(HttpResponse Response, JsonElement Problem)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new ProblemExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemExceptionHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        context.Response.Body.Position = 0;
        return (context.Response, (await JsonDocument.ParseAsync(context.Response.Body)).RootElement.Clone());
    }

    [Fact]
    public async Task A_stale_write_is_a_503_to_retry_not_a_500()
    {
        var (response, problem) = await HandleAsync(new InconsistentStateException("Version conflict (WriteState)"));

        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Contains("Retry", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_cluster_that_does_not_answer_is_a_503()
    {
        var (response, _) = await HandleAsync(new TimeoutException());

        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Anything_else_is_a_500_that_shows_no_internals()
    {
        var (response, problem) = await HandleAsync(new InvalidOperationException("secret internals"));

        Assert.Equal((int)HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("secret", problem.GetRawText());
    }
}
