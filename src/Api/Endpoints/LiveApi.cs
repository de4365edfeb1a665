using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Ticketing.Api.Contracts;
using Ticketing.Api.Live;
using Ticketing.Api.Routing;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

/// <summary>Server-Sent Events: an event's live availability, and a waiting buyer's place until admission.</summary>
public static class LiveApi
{
    /// <summary>How often a queue stream looks at its ticket.</summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events/{eventId:guid}/availability/stream", StreamAvailability)
            .AllowAnonymous()
            .LimitRate(SecurityExtensions.RateLimits.AnonymousReads)
            .WithTags("Live")
            .WithName("streamAvailability")
            .WithSummary("Live availability (Server-Sent Events)")
            .WithDescription("text/event-stream. First a 'snapshot' event (per section: capacity, free, held, sold), then 'changes' events " +
                "gathered a few times a second: seats (seat id → Free, Held or Sold) and the counts of the sections they are in; a " +
                "'heartbeat' event keeps a quiet line open. Every event has an id: reconnecting with Last-Event-ID resumes after it, " +
                "or starts over with a snapshot when it is too old. A draft is its organizer's alone (404 to others).")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/api/events/{eventId:guid}/queue/{queueTicketId:guid}/stream", StreamQueueTicket)
            .RequirePolicy(Policies.Customer)
            .WithTags("Waiting room")
            .WithName("streamQueueTicket")
            .WithSummary("A place in the waiting room, live (Server-Sent Events)")
            .WithDescription("text/event-stream of 'ticket' events, each the ticket as GET /api/events/{eventId}/queue/{queueTicketId} " +
                "returns it, sent when it changes (and as a heartbeat every 15 seconds), until it is Admitted (with its admission token) " +
                "or Expired; then the stream ends. Someone else's ticket is a 404.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        return app;
    }

    private static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> StreamAvailability(
        Guid eventId, ClaimsPrincipal user, EventLayoutCache layouts, AvailabilityHub hub,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId, HttpContext context)
    {
        var layout = await layouts.GetAsync(eventId);
        if (layout is null || (layout.Status == EventStatus.Draft && layout.OwnerId != user.SubjectId() && !user.IsAdmin()))
        {
            return Problems.NotFound($"Event {eventId} does not exist.");
        }

        var client = await hub.ConnectAsync(layout, lastEventId, context.RequestAborted);
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Messages(client, hub.Options.HeartbeatInterval, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> Messages(LiveClient client, TimeSpan heartbeat, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                LiveMessage? message;
                try
                {
                    message = await client.NextAsync(heartbeat, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                yield return message is null
                    ? new SseItem<string>("{}", "heartbeat")
                    : new SseItem<string>(message.Data, message.Event) { EventId = message.Id };
            }
        }
        finally
        {
            await client.DisconnectAsync();
        }
    }

    private static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> StreamQueueTicket(
        Guid eventId, Guid queueTicketId, ClaimsPrincipal user, IGrainFactory grains, AdmissionTokens admissions, HttpContext context)
    {
        var ticket = grains.GetGrain<IQueueTicketGrain>(queueTicketId);
        var customer = user.IsAdmin() ? null : user.SubjectId();
        var first = await ticket.Get(customer);
        if (first is null || first.EventId != eventId)
        {
            return Problems.NotFound($"Queue ticket {queueTicketId} does not exist in event {eventId}.");
        }

        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Updates(first, () => ticket.Get(customer), admissions, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> Updates(
        QueueTicketView first, Func<Task<QueueTicketView?>> read, AdmissionTokens admissions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var current = first;
        string? sent = null;
        var sentAt = DateTimeOffset.MinValue;
        while (true)
        {
            var data = JsonSerializer.Serialize(QueueTicketResponse.From(current, admissions), AvailabilityHub.Json);
            var now = TimeProvider.System.GetUtcNow();
            if (data != sent || now - sentAt >= TimeSpan.FromSeconds(15))
            {
                (sent, sentAt) = (data, now);
                yield return new SseItem<string>(data, "ticket");
            }

            if (current.Status != QueueStatus.Waiting)
            {
                yield break;
            }

            try
            {
                // Socket pacing, not business time: the system clock.
                await Task.Delay(QueuePollInterval, TimeProvider.System, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (await read() is not { } next)
            {
                yield break;
            }

            current = next;
        }
    }
}
