using System.Text.Json.Nodes;

namespace Ticketing.ApiTests;

/// <summary>
/// The document the host serves is the one committed in tests/openapi/openapi.json, which CI lints with Redocly.
/// After a deliberate API change, refresh the copy with UPDATE_OPENAPI_SNAPSHOT=1 and commit it.
/// </summary>
public sealed class OpenApiDocumentTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private const string UpdateVariable = "UPDATE_OPENAPI_SNAPSHOT";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_served_document_equals_the_committed_copy()
    {
        var served = await OpenApiDocument.FetchAsync(_client);
        var snapshot = Path.Combine(OpenApiDocument.SnapshotDirectory, "openapi.json");
        var servedText = served.ToJsonString(OpenApiDocument.Indented) + "\n";

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(snapshot, servedText);
        }

        var committed = File.Exists(snapshot) ? JsonNode.Parse(await File.ReadAllTextAsync(snapshot)) : null;
        if (!JsonNode.DeepEquals(served, committed))
        {
            var actual = Path.Combine(OpenApiDocument.SnapshotDirectory, "openapi.actual.json");
            await File.WriteAllTextAsync(actual, servedText);
            Assert.Fail($"The API's OpenAPI document differs from {snapshot}; the served one is in {actual}. If the change is " +
                $"intended, run `{UpdateVariable}=1 dotnet test tests/Ticketing.ApiTests --filter {nameof(OpenApiDocumentTests)}`, " +
                "lint it (cd tests/openapi && npm ci && npm run lint) and commit openapi.json.");
        }
    }

    [Fact]
    public async Task The_document_describes_the_product_api_only_and_every_operation_fully()
    {
        var document = await OpenApiDocument.FetchAsync(_client);

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.NotEmpty(paths);
        Assert.All(paths, path => Assert.StartsWith("/api/", path));
        Assert.DoesNotContain("/api/ping", paths);

        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();
        Assert.Equal(32, operations.Count);
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["summary"]), $"{o.Method} {o.Path} has no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["operationId"]), $"{o.Method} {o.Path} has no operationId");
            var responses = o.Operation["responses"]!.AsObject();
            Assert.Contains(responses, r => r.Key.StartsWith('4'));
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                Assert.True(response!["content"]?["application/problem+json"] is not null, $"{o.Method} {o.Path} {status} is not problem+json");
            }
        });
    }
}
