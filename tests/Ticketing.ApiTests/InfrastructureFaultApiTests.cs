using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Ticketing.Api.Infrastructure;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

/// <summary>A storage or network failure behind a grain call, as a client sees it: a 503 to retry, never a 500.</summary>
public sealed class InfrastructureFaultApiTests
{
    [Fact]
    public async Task An_infrastructure_fault_from_the_cluster_is_a_503_problem_with_retry_after()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new ProblemExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemExceptionHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context,
            new InfrastructureUnavailableException("Storage or network unavailable (database error 53300): sorry, too many clients already"), CancellationToken.None));

        context.Response.Body.Position = 0;
        var problem = (await JsonDocument.ParseAsync(context.Response.Body)).RootElement;
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("53300", problem.GetRawText(), StringComparison.Ordinal);
    }
}
