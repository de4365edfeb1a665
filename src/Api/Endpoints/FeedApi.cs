using Microsoft.AspNetCore.Http.HttpResults;
using Ticketing.Api.Contracts;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

public static class FeedApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapFeedApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/feed").WithTags("Integration events").ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        // Every event of every organizer, buyers' emails included: the whole system's feed is an operator's (admin's).
        // Organizers get their own events' entries through webhooks.
        api.MapGet("/", ReadFeed)
            .RequirePolicy(Policies.Admin)
            .WithName("readFeed")
            .WithSummary("Read the integration event feed")
            .WithDescription("Integration events in log order, after the opaque cursor `after` (from the start without it), at most `limit` " +
                $"(1 to {MaxLimit}, default 100). `next` is the cursor to ask with next time; polling with it returns each event once, and every " +
                "event of one aggregate in its sequence order. Delivery is at least once: a consumer that crashed before saving its cursor sees " +
                "events again, with the same ids. On the embedded default (no database) the log lives in memory and starts empty after a restart.")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task<Results<Ok<FeedResponse>, ValidationProblem>> ReadFeed(
        IIntegrationEventLog log, CancellationToken cancellationToken, string? after = null, int limit = 100)
    {
        if (!LogCursor.TryDecode(after, out var cursor))
        {
            return Problems.Invalid("after", "is not a cursor this feed gave out: pass the `next` value of a previous page, or nothing to start from the beginning.");
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Invalid("limit", $"must be from 1 to {MaxLimit}.");
        }

        var events = await log.ReadAsync(cursor, limit, cancellationToken);
        return TypedResults.Ok(new FeedResponse(
            events.Select(e => IntegrationEventResponse.From(e.Event)).ToList(),
            (events.Count > 0 ? events[^1].Cursor : cursor).Encode()));
    }
}
