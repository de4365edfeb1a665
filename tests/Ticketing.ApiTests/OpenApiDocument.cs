using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ticketing.ApiTests;

/// <summary>The host's OpenAPI document and the committed copy of it in tests/openapi (which CI lints).</summary>
internal static partial class OpenApiDocument
{
    public const string Url = "/openapi/v1.json";

    // Written for people reading diffs: a file, never HTML, so characters need no escaping.
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string SnapshotDirectory
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Ticketing.Orleans.sln")))
                {
                    return Path.Combine(directory.FullName, "tests", "openapi");
                }
            }

            throw new InvalidOperationException($"No Ticketing.Orleans.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static async Task<JsonObject> FetchAsync(HttpClient client)
    {
        var response = await client.GetAsync(Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The statuses the document lists for each operation, keyed by (method, path) as in the document.</summary>
    public static Dictionary<(string Method, string Path), HashSet<int>> StatusesByOperation(JsonObject document)
    {
        var result = new Dictionary<(string, string), HashSet<int>>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var statuses = operation!["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture));
                result[(method.ToUpperInvariant(), path)] = [.. statuses];
            }
        }

        return result;
    }

    /// <summary>A route pattern as the document spells its path: no constraints, no trailing slash.</summary>
    public static string PathOf(string routePattern)
    {
        var path = RouteConstraint().Replace(routePattern, "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteConstraint();
}
