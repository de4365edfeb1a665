using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ticketing.Api.OpenApi;

/// <summary>
/// The OpenAPI document at /openapi/v1.json: the product's API (/api/...) only, described well enough for a
/// consumer's linter (Redocly's recommended rules, run by tests/openapi) and client generator.
/// </summary>
public static class OpenApiConfiguration
{
    public const string DocumentName = "v1";

    private const string RetryAfterHeader = "Retry-After";

    /// <summary>The security scheme's name in the document: a JWT in the Authorization header.</summary>
    public const string BearerScheme = "bearer";

    // What a problem+json response with each status means, in any operation that may answer it.
    private static readonly Dictionary<string, string> ProblemDescriptions = new()
    {
        ["400"] = "The request is invalid: unreadable JSON, a value of the wrong type, or fields that fail validation " +
            "(errors lists them, keyed by each field's JSON path). Nothing was changed.",
        ["401"] = "No bearer token, or one that is expired, wrongly signed or for another issuer or audience (WWW-Authenticate says which).",
        ["402"] = "The payment was declined. The booking (in the problem's booking) is PaymentFailed and its seats are free again.",
        ["403"] = "The token's roles do not allow this, or the event belongs to another organizer.",
        ["404"] = "The event, section, seat or booking does not exist, or is not the caller's to see (a draft of another organizer, another customer's booking).",
        ["409"] = "Not possible in the current state of the event or booking, or past the customer's purchase limit; detail says why. Nothing was changed.",
        ["415"] = "The request body is not JSON: send Content-Type: application/json.",
        ["429"] = "Too many requests from this customer (holds and payments) or address (anonymous reads); Retry-After says when to retry.",
        ["422"] = "The Idempotency-Key was already used with a different request body.",
        ["503"] = "Unavailable for now: the seat inventory did not answer in time (Retry-After says when to retry; nothing was kept " +
            "from the request), or the payment provider is unavailable (the booking is PaymentFailed, its seats free).",
        ["504"] = "The payment provider timed out. The booking (in the problem's booking) is PaymentFailed and its seats are free again.",
    };

    public static IServiceCollection AddTicketingOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            // The product's API only: the dashboard's routes (MapOrleansDashboard) and the operator endpoints
            // (health, metrics) are not part of it.
            options.ShouldInclude = description =>
                description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                DescribeProblemResponses(operation);
                DescribeSecurity(operation, context);
                return Task.CompletedTask;
            });
        });

    public static IEndpointConventionBuilder MapTicketingOpenApi(this IEndpointRouteBuilder app) =>
        app.MapOpenApi().AllowAnonymous();

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Ticketing API",
            Version = DocumentName,
            Description = "Seat inventory for flash sales: create events with seated and general-admission sections, put them " +
                "on sale, hold seats all or nothing, pay and cancel bookings. JSON in camelCase, enums as strings, times in " +
                "ISO 8601 UTC; errors are RFC 9457 application/problem+json.",
        };

        // Relative: the API is served by the host that serves this document, wherever it is deployed.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host serving this document" }];

        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Events", Description = "Events, their sections and seat maps, and their lifecycle: Draft → OnSale → SalesClosed or Cancelled." },
            new() { Name = "Bookings", Description = "Holding seats, paying for them (the simulated provider's test tokens, e.g. tok_visa), releasing and cancelling." },
        };

        // Bearer JWTs (roles customer, organizer, staff, admin). Operations open to anyone say so themselves.
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT with the claims sub and role (customer, organizer, staff or admin). Locally (Development), POST /api/dev/tokens issues one.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
    }

    private static void DescribeProblemResponses(OpenApiOperation operation)
    {
        if (operation.Responses is not { } responses)
        {
            return;
        }

        // By status, as readers look for them (group-wide statuses would otherwise come first).
        var byStatus = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (status, response) in byStatus)
        {
            responses[status] = response;
        }

        foreach (var (status, response) in responses)
        {
            if (response is not OpenApiResponse problem || !ProblemDescriptions.TryGetValue(status, out var description))
            {
                continue;
            }

            problem.Description = description;
            if (status == "429")
            {
                problem.Headers ??= new Dictionary<string, IOpenApiHeader>();
                problem.Headers[RetryAfterHeader] = new OpenApiHeader
                {
                    Description = "Seconds to wait before the limit lets this caller in again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                };
            }

            if (status == "503")
            {
                problem.Headers ??= new Dictionary<string, IOpenApiHeader>();
                problem.Headers[RetryAfterHeader] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying; sent when the seat inventory did not answer in time.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                };
            }
        }
    }

    /// <summary>
    /// Open operations accept a request without a token ({}), or with one (a draft's organizer sees it); the others
    /// keep the document's bearer requirement.
    /// </summary>
    private static void DescribeSecurity(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement(),
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
            ];
        }
    }
}
