using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ticketing.Api.Contracts;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Webhooks;
using Ticketing.Hosting.Webhooks;

namespace Ticketing.Api.Endpoints;

public static class WebhooksApi
{
    public const int MaxEndpointsPerOwner = 20;

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        // Organizers manage their own endpoints (an admin anyone's); someone else's endpoint looks like one that does not exist.
        var api = app.MapGroup("/api/webhooks").WithTags("Webhooks").RequirePolicy(Policies.Organizer)
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/", CreateWebhook)
            .WithName("createWebhook")
            .WithSummary("Register a webhook endpoint")
            .WithDescription("Registers a URL to receive the caller's integration events of the listed types (see the README's table), from now on, " +
                "as signed JSON POSTs (header Ticketing-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">). The answer carries " +
                "the signing secret, shown only here and when rotated. An organizer receives only the events of its own events. URLs in private " +
                $"networks are refused unless Webhooks:AllowPrivateNetworks is set. At most {MaxEndpointsPerOwner} endpoints per organizer.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType);

        api.MapGet("/", ListWebhooks)
            .WithName("listWebhooks")
            .WithSummary("List webhook endpoints")
            .WithDescription("The caller's webhook endpoints (an admin's: everyone's), without their secrets.");

        api.MapDelete("/{webhookId:guid}", DeleteWebhook)
            .WithName("deleteWebhook")
            .WithSummary("Delete a webhook endpoint")
            .WithDescription("Stops deliveries to the endpoint, including retries in progress.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        api.MapPost("/{webhookId:guid}/secret", RotateSecret)
            .WithName("rotateWebhookSecret")
            .WithSummary("Rotate a webhook endpoint's secret")
            .WithDescription("Replaces the signing secret at once and returns the new one; deliveries being retried are signed with it from their next attempt.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        api.MapGet("/{webhookId:guid}/deliveries", ListDeliveries)
            .WithName("listWebhookDeliveries")
            .WithSummary("List a webhook endpoint's delivery attempts")
            .WithDescription("The latest delivery attempts (Webhooks:DeliveryLogSize), newest first: the event, the attempt's number, the receiver's status or " +
                "the error, and the outcome (Delivered; Failed, to be retried with exponential backoff; GaveUp after Webhooks:RetryFor).")
            .ProducesProblems(StatusCodes.Status404NotFound);

        api.MapPost("/{webhookId:guid}/deliveries/{eventId:guid}/redeliver", Redeliver)
            .WithName("redeliverWebhookEvent")
            .WithSummary("Deliver an event again")
            .WithDescription("Delivers one of the endpoint's recent events again (one in its delivery log), with the same event id; 202, as it happens in the background.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblems(StatusCodes.Status404NotFound);

        return api;
    }

    private static async Task<Results<Created<CreatedWebhookResponse>, ValidationProblem, ProblemHttpResult>> CreateWebhook(
        CreateWebhookRequest request, ClaimsPrincipal user, IGrainFactory grains, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (await PrivateNetworks.RefuseAsync(request.Url, options.Value.AllowPrivateNetworks, cancellationToken) is { } refusal)
        {
            errors.Add("url", refusal);
        }

        if (request.Events is not { Count: > 0 } events)
        {
            errors.Add("events", $"must list at least one event type: {string.Join(", ", IntegrationEventTypes.All)}.");
        }
        else if (events.Where(e => !IntegrationEventTypes.All.Contains(e)).ToList() is { Count: > 0 } unknown)
        {
            errors.Add("events", $"has unknown types ({string.Join(", ", unknown)}); known: {string.Join(", ", IntegrationEventTypes.All)}.");
        }

        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        var owner = user.SubjectId()!;
        if ((await grains.GetGrain<IWebhookDirectoryGrain>(0).List(owner)).Count >= MaxEndpointsPerOwner)
        {
            return Problems.Conflict($"An organizer may have at most {MaxEndpointsPerOwner} webhook endpoints; delete one first.");
        }

        var secret = WebhookSignature.NewSecret();
        var view = await grains.GetGrain<IWebhookEndpointGrain>(Guid.CreateVersion7()).Register(owner, request.Url!, request.Events!, secret);
        return TypedResults.Created($"/api/webhooks/{view.Id}", new CreatedWebhookResponse(view.Id, view.Url, view.Events, view.CreatedAt, secret));
    }

    private static async Task<Ok<List<WebhookResponse>>> ListWebhooks(ClaimsPrincipal user, IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IWebhookDirectoryGrain>(0).List(user.IsAdmin() ? null : user.SubjectId());
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IWebhookEndpointGrain>(id).Get()));
        return TypedResults.Ok(views.OfType<WebhookEndpointView>().OrderBy(v => v.CreatedAt).Select(WebhookResponse.From).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(Guid webhookId, ClaimsPrincipal user, IGrainFactory grains) =>
        await FindAsync(webhookId, user, grains) is { } grain && await grain.Delete()
            ? TypedResults.NoContent()
            : NotFound(webhookId);

    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RotateSecret(Guid webhookId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var secret = WebhookSignature.NewSecret();
        return await FindAsync(webhookId, user, grains) is { } grain && await grain.RotateSecret(secret)
            ? TypedResults.Ok(new WebhookSecretResponse(webhookId, secret))
            : NotFound(webhookId);
    }

    private static async Task<Results<Ok<List<WebhookDeliveryResponse>>, ProblemHttpResult>> ListDeliveries(Guid webhookId, ClaimsPrincipal user, IGrainFactory grains) =>
        await FindAsync(webhookId, user, grains) is { } grain
            ? TypedResults.Ok((await grain.GetDeliveries()).Select(WebhookDeliveryResponse.From).ToList())
            : NotFound(webhookId);

    private static async Task<Results<Accepted, ProblemHttpResult>> Redeliver(Guid webhookId, Guid eventId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await FindAsync(webhookId, user, grains) is not { } grain)
        {
            return NotFound(webhookId);
        }

        return await grain.Redeliver(eventId)
            ? TypedResults.Accepted($"/api/webhooks/{webhookId}/deliveries")
            : Problems.NotFound($"Event {eventId} is not among webhook {webhookId}'s recent deliveries.");
    }

    /// <summary>The endpoint if it exists and the caller may manage it (its owner, or an admin).</summary>
    private static async Task<IWebhookEndpointGrain?> FindAsync(Guid webhookId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IWebhookEndpointGrain>(webhookId);
        var view = await grain.Get();
        return view is not null && (user.IsAdmin() || view.OwnerId == user.SubjectId()) ? grain : null;
    }

    private static ProblemHttpResult NotFound(Guid webhookId) => Problems.NotFound($"Webhook endpoint {webhookId} does not exist.");
}
