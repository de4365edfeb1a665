using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Ticketing.Api.Contracts;
using Ticketing.Api.Routing;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

/// <summary>An event's waiting room: join the line, see the place, and get the admission token once let in.</summary>
public static class QueueApi
{
    public static RouteGroupBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        // Every endpoint asks the cluster, which may not answer in time (503, see ProblemExceptionHandler).
        var queue = app.MapGroup("/api/events/{eventId:guid}/queue").WithTags("Waiting room").RequirePolicy(Policies.Customer)
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        queue.MapPost("/", JoinQueue)
            .LimitRate(SecurityExtensions.RateLimits.CustomerWrites)
            .WithName("joinQueue")
            .WithSummary("Join an event's waiting room")
            .WithDescription("Puts the calling customer in the event's line, or returns the place they already have. Who joins before the " +
                "event's onSaleAt gets a place drawn at random at onSaleAt (position null until then); later joiners line up in order. " +
                "Admitted: admissionToken, to send as the Admission-Token header of holds until admissionExpiresAt. An expired ticket " +
                "joins again at the back. 409 when the event has no waiting room (book directly).")
            .ProducesProblems(StatusCodes.Status409Conflict);

        queue.MapGet("/{queueTicketId:guid}", GetQueueTicket)
            .WithName("getQueueTicket")
            .WithSummary("Get a place in the waiting room")
            .WithDescription("The caller's ticket as it stands now: position (1 = next) and estimated wait while Waiting, the admission " +
                "token once Admitted, Expired after the shopping window. Someone else's ticket is a 404.");

        return queue;
    }

    internal static ProblemHttpResult AdmissionRefused(Guid eventId, AdmissionCheck check)
    {
        var why = check switch
        {
            AdmissionCheck.Missing => "This event sells through a waiting room: join the queue and hold seats once admitted, with the Admission-Token header.",
            AdmissionCheck.Expired => "The admission token has expired (the shopping window is over): join the queue again.",
            AdmissionCheck.OtherEvent => "The admission token is for another event: join this event's queue.",
            AdmissionCheck.OtherCustomer => "The admission token was issued to another customer: join the queue yourself.",
            _ => "The admission token is not valid: join the queue to get one.",
        };
        return TypedResults.Problem(why, statusCode: StatusCodes.Status403Forbidden, title: "Join the queue",
            extensions: new Dictionary<string, object?> { ["queue"] = $"/api/events/{eventId}/queue" });
    }

    private static async Task<Results<Ok<QueueTicketResponse>, ProblemHttpResult>> JoinQueue(
        Guid eventId, ClaimsPrincipal user, IGrainFactory grains, EventLayoutCache layouts, AdmissionTokens admissions)
    {
        var customerId = user.SubjectId()!;
        var layout = await layouts.GetAsync(eventId);
        if (layout is null || layout.Status == EventStatus.Draft)
        {
            return Problems.NotFound($"Event {eventId} does not exist.");
        }

        if (layout.WaitingRoom is null)
        {
            return Problems.Conflict("This event has no waiting room: hold seats directly.");
        }

        if (layout.Status != EventStatus.OnSale)
        {
            return Problems.Conflict($"The event is {layout.Status}: its queue is closed.");
        }

        var ticket = await grains.GetGrain<IQueueTicketGrain>(QueueTicketKey.For(eventId, customerId)).Join(eventId, customerId);
        return ticket is null ? Problems.NotFound($"Event {eventId} does not exist.") : TypedResults.Ok(QueueTicketResponse.From(ticket, admissions));
    }

    private static async Task<Results<Ok<QueueTicketResponse>, ProblemHttpResult>> GetQueueTicket(
        Guid eventId, Guid queueTicketId, ClaimsPrincipal user, IGrainFactory grains, AdmissionTokens admissions)
    {
        var ticket = await grains.GetGrain<IQueueTicketGrain>(queueTicketId).Get(user.IsAdmin() ? null : user.SubjectId());
        return ticket is null || ticket.EventId != eventId
            ? Problems.NotFound($"Queue ticket {queueTicketId} does not exist in event {eventId}.")
            : TypedResults.Ok(QueueTicketResponse.From(ticket, admissions));
    }
}
