using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Ticketing.Api.Contracts;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

/// <summary>An organizer's view of an event's sales, from the sales projection that the event's stream feeds.</summary>
public static class SalesApi
{
    public static RouteHandlerBuilder MapSalesApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/events/{eventId:guid}/sales", GetSales)
            .RequirePolicy(Policies.Organizer)
            .WithTags("Sales")
            .WithName("getEventSales")
            .WithSummary("An event's sales")
            .WithDescription("Bookings by outcome (held, confirmed, failed, released, expired, cancelled, refunded), seats sold and revenue net " +
                "of cancellations, and tickets checked in. Counted from the event's integration events as its stream delivers them, so a " +
                "change shows here within about a second of its booking's answer; eventsCounted and lastEventAt say how far the count has " +
                "got. Each event counts once, across restarts and crashes. The event's organizer (or an admin).")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<Ok<EventSalesResponse>, ProblemHttpResult>> GetSales(Guid eventId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await EventOwnership.RefuseUnlessOwnerAsync(eventId, user, grains) is { } refusal)
        {
            return refusal;
        }

        return TypedResults.Ok(EventSalesResponse.From(await grains.GetGrain<IEventSalesGrain>(eventId).Get()));
    }
}
