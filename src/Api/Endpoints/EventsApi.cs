using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ticketing.Api.Contracts;
using Ticketing.Api.Infrastructure;
using Ticketing.Api.Routing;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;
using Ticketing.Hosting.Search;

namespace Ticketing.Api.Endpoints;

public static class EventsApi
{
    public const int MaxPageSize = 100;

    public const int MaxQueryLength = 200;

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        // Every endpoint asks the cluster, which may not answer in time (503, see ProblemExceptionHandler).
        var api = app.MapGroup("/api/events").WithTags("Events").ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        // Anyone may browse what is on sale (a draft is its organizer's alone); only organizers change events, and only their own.
        api.MapPost("/", CreateEvent)
            .RequirePolicy(Policies.Organizer)
            .WithName("createEvent")
            .WithSummary("Create an event")
            .WithDescription("Creates a Draft event with its sections: seated (rows and seatsPerRow) or general admission " +
                "(capacity). holdSeconds, how long a booking holds its seats, defaults to 600; maxSeatsPerCustomer, how many seats one customer " +
                "may hold and buy in it, defaults to 10. The caller (an organizer) owns the event. The Location header names the new event.")
            .ProducesProblems(StatusCodes.Status415UnsupportedMediaType);

        api.MapGet("/", ListEvents)
            .AllowAnonymous()
            .LimitRate(SecurityExtensions.RateLimits.AnonymousReads)
            .WithName("listEvents")
            .WithSummary("List events")
            .WithDescription($"The events the caller may see (drafts only to their organizer) and how many match. Without search parameters: page " +
                $"`page` of `pageSize` (1 to {MaxPageSize}) events, oldest first. With any of q, from, to, venue, cursor or limit: a search. q: words " +
                "that must all occur in the name, venue or description (whole words, any case; \"quoted phrases\" and -exclusions work); the best " +
                "matches come first (PostgreSQL's ts_rank: a word in the name over one in the venue over one in the description, several words close " +
                "together over words far apart), then the soonest. from (inclusive) and to (exclusive) bound the start time; " +
                $"venue matches the venue exactly, in any case. limit (1 to {MaxPageSize}, default 20) events per page; `next` is the cursor of the " +
                "following page (pass it as cursor, with the same parameters), null after the last. total counts the matches up to " +
                $"{EventSearchRank.CountLimit}: past that it is {EventSearchRank.CountLimit} and totalExact is false (\"at least\"). The catalogue is a projection of the " +
                "integration event log: a change is seen once its write is in the log.")
            .ProducesProblems(StatusCodes.Status400BadRequest);

        api.MapGet("/{eventId:guid}", GetEvent)
            .AllowAnonymous()
            .LimitRate(SecurityExtensions.RateLimits.AnonymousReads)
            .WithName("getEvent")
            .WithSummary("Get an event")
            .WithDescription("The event with each section's availability: capacity, free, held and sold. A draft is visible to its organizer only (404 to others). " +
                "A cancelled event's cancellation says how far the cancelling of its bookings has come.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        api.MapPut("/{eventId:guid}", UpdateEvent)
            .RequirePolicy(Policies.Organizer)
            .WithName("updateEvent")
            .WithSummary("Replace a draft event")
            .WithDescription("Replaces a Draft event's description and layout. Once the event is on sale its layout is frozen: 409.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType);

        api.MapPost("/{eventId:guid}/publish", PublishEvent)
            .RequirePolicy(Policies.Organizer)
            .WithName("publishEvent")
            .WithSummary("Put an event on sale")
            .WithDescription("Draft → OnSale: bookings are taken from now on. Publishing an event that is on sale already " +
                "returns it unchanged; a closed or cancelled event cannot go on sale again (409).")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        api.MapPost("/{eventId:guid}/close", CloseEventSales)
            .RequirePolicy(Policies.Organizer)
            .WithName("closeEventSales")
            .WithSummary("Stop an event's sales")
            .WithDescription("OnSale → SalesClosed: no new holds; existing holds and sales stay. Only an event on sale can close (409 otherwise).")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        api.MapPost("/{eventId:guid}/cancel", CancelEvent)
            .RequirePolicy(Policies.Organizer)
            .WithName("cancelEvent")
            .WithSummary("Cancel an event")
            .WithDescription("→ Cancelled: no new holds; every held booking is released and every confirmed one refunded. " +
                "200 when that is done; with more bookings than one batch, 202 and it continues in the background: the Location " +
                "header names the event, whose cancellation shows the progress. Repeating it goes over every booking again.")
            .Produces<EventResponse>(StatusCodes.Status202Accepted)
            .ProducesProblems(StatusCodes.Status404NotFound);

        api.MapGet("/{eventId:guid}/sections/{sectionId}/seats", GetSeatMap)
            .AllowAnonymous()
            .LimitRate(SecurityExtensions.RateLimits.AnonymousReads)
            .WithName("getSeatMap")
            .WithSummary("Get a section's seat map")
            .WithDescription("The seats of a seated section with their status (Free, Held or Sold), whole rows from fromRow (default 1), " +
                "as many rows as fit in one page (Ticketing:MaxSeatMapPageSeats seats; fewer with rows). When more rows follow, a Link " +
                "header with rel=\"next\" names the next page. General-admission sections have no seat map (404): their availability is on the event.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        return api;
    }

    private static async Task<Results<Created<EventResponse>, ValidationProblem>> CreateEvent(
        CreateEventRequest request, ClaimsPrincipal user, IGrainFactory grains, IOptions<BookingOptions> options)
    {
        var errors = new ValidationErrors();
        var definition = request.ToEventDefinition(errors, options.Value.EventLimits);
        if (definition is null)
        {
            return Problems.Invalid(errors);
        }

        var details = await grains.GetGrain<IEventGrain>(Guid.CreateVersion7()).Create(definition, user.SubjectId()!);
        return TypedResults.Created($"/api/events/{details.Id}", EventResponse.From(details, SeatInventoryReader.AllFree(definition.Sections)));
    }

    private static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> UpdateEvent(
        Guid eventId, CreateEventRequest request, ClaimsPrincipal user, IGrainFactory grains, IOptions<BookingOptions> options)
    {
        var errors = new ValidationErrors();
        var definition = request.ToEventDefinition(errors, options.Value.EventLimits);
        if (definition is null)
        {
            return Problems.Invalid(errors);
        }

        if (await EventOwnership.RefuseUnlessOwnerAsync(eventId, user, grains) is { } refusal)
        {
            return refusal;
        }

        var result = await grains.GetGrain<IEventGrain>(eventId).Update(definition);
        return result.Event is { } details
            ? TypedResults.Ok(EventResponse.From(details, SeatInventoryReader.AllFree(definition.Sections)))
            : CommandProblem(result);
    }

    private static async Task<Results<Ok<EventListResponse>, ValidationProblem>> ListEvents(
        ClaimsPrincipal user, IEventSearchIndex index, EventSearchProjection projection, CancellationToken cancellationToken,
        int? page = null, int? pageSize = null, string? q = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? venue = null,
        string? cursor = null, int? limit = null)
    {
        // Served by the search projection of the event log, caught up first: the catalogue is no grain's.
        var isSearch = q is not null || from is not null || to is not null || venue is not null || cursor is not null || limit is not null;
        if (isSearch)
        {
            return await SearchEventsAsync(user, index, projection, cancellationToken, page, pageSize, q, from, to, venue, cursor, limit);
        }

        // Bounded so that the number of events skipped, (page - 1) × pageSize, stays an int.
        const int maxPage = int.MaxValue / MaxPageSize;
        var (number, size) = (page ?? 1, pageSize ?? 20);
        if (number < 1 || number > maxPage)
        {
            return Problems.Invalid("page", $"must be from 1 to {maxPage}.");
        }

        if (size < 1 || size > MaxPageSize)
        {
            return Problems.Invalid("pageSize", $"must be from 1 to {MaxPageSize}.");
        }

        await projection.CatchUpAsync(cancellationToken);
        var visible = await index.ListAsync(user.SubjectId(), user.IsAdmin(), (number - 1) * size, size, cancellationToken);
        return TypedResults.Ok(new EventListResponse(visible.Items.Select(EventSummaryResponse.From).ToList(), number, size, visible.Total));
    }

    private static async Task<Results<Ok<EventListResponse>, ValidationProblem>> SearchEventsAsync(
        ClaimsPrincipal user, IEventSearchIndex index, EventSearchProjection projection, CancellationToken cancellationToken,
        int? page, int? pageSize, string? q, DateTimeOffset? from, DateTimeOffset? to, string? venue, string? cursor, int? limit)
    {
        var errors = new ValidationErrors();
        if (page is not null || pageSize is not null)
        {
            errors.Add(page is not null ? "page" : "pageSize", "cannot be combined with a search (q, from, to, venue, cursor, limit): a search pages with cursor and limit.");
        }

        if (q is { Length: > MaxQueryLength })
        {
            errors.Add("q", $"must be at most {MaxQueryLength} characters.");
        }

        if (from is not null && to is not null && from >= to)
        {
            errors.Add("to", "must be after from.");
        }

        if (venue is { Length: 0 or > 200 })
        {
            errors.Add("venue", "must be 1 to 200 characters.");
        }

        SearchCursor? after = null;
        if (cursor is not null && !SearchCursor.TryDecode(cursor, out after))
        {
            errors.Add("cursor", "is not a cursor this search gave out: pass the `next` value of the previous page.");
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors.Add("limit", $"must be from 1 to {MaxPageSize}.");
        }

        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        await projection.CatchUpAsync(cancellationToken);
        var size = limit ?? 20;
        var found = await index.SearchAsync(
            new EventSearchQuery(string.IsNullOrWhiteSpace(q) ? null : q, from, to, venue, user.SubjectId(), user.IsAdmin(), after, size), cancellationToken);
        return TypedResults.Ok(new EventListResponse(found.Items.Select(h => EventSummaryResponse.From(h.Event)).ToList(), 0, size, found.Total, found.Next?.Encode(), found.TotalExact));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetEvent(
        Guid eventId, ClaimsPrincipal user, IGrainFactory grains, SeatInventoryReader inventory)
    {
        var details = await grains.GetGrain<IEventGrain>(eventId).GetDetails();
        return details is null || !MaySee(user, details.Status, details.OwnerId)
            ? Problems.NotFound($"Event {eventId} does not exist.")
            : TypedResults.Ok(await WithAvailability(details, grains, inventory));
    }

    private static async Task<Results<Ok<List<SeatResponse>>, ValidationProblem, ProblemHttpResult>> GetSeatMap(
        Guid eventId, string sectionId, ClaimsPrincipal user, HttpResponse response, IGrainFactory grains, SeatInventoryReader inventory,
        IOptions<BookingOptions> options, int fromRow = 1, int? rows = null)
    {
        var layout = await grains.GetGrain<IEventGrain>(eventId).GetLayout();
        if (layout is null || !MaySee(user, layout.Status, layout.OwnerId))
        {
            return Problems.NotFound($"Event {eventId} does not exist.");
        }

        var section = layout.FindSection(sectionId);
        if (section is null)
        {
            return Problems.NotFound($"Section '{sectionId}' does not exist in this event.");
        }

        if (section.Section.Kind != SectionKind.Seated)
        {
            return Problems.NotFound($"Section {section.Section.Id} is general admission: it has no seat map. Its availability is on the event.");
        }

        var pageRows = Math.Max(1, options.Value.MaxSeatMapPageSeats / section.Section.SeatsPerRow);
        if (fromRow < 1 || fromRow > section.Section.Rows)
        {
            return Problems.Invalid("fromRow", $"must be from 1 to {section.Section.Rows}, the section's rows.");
        }

        if (rows is { } asked && (asked < 1 || asked > pageRows))
        {
            return Problems.Invalid("rows", $"must be from 1 to {pageRows} (one page of at most {options.Value.MaxSeatMapPageSeats} seats).");
        }

        var lastRow = Math.Min(section.Section.Rows, fromRow + (rows ?? pageRows) - 1);
        if (lastRow < section.Section.Rows)
        {
            response.Headers.Link = $"</api/events/{eventId}/sections/{section.Section.Id}/seats?fromRow={lastRow + 1}&rows={rows ?? pageRows}>; rel=\"next\"";
        }

        var seats = await inventory.GetSeatsAsync(layout, section, fromRow, lastRow);
        return TypedResults.Ok(seats
            .Select(s => new SeatResponse(s.Position.ToSeatId(section.Section.Id), s.Position.Row, s.Position.Number, s.Status))
            .ToList());
    }

    private static Task<Results<Ok<EventResponse>, ProblemHttpResult>> PublishEvent(
        Guid eventId, ClaimsPrincipal user, IGrainFactory grains, SeatInventoryReader inventory) =>
        RunCommand(eventId, user, grain => grain.Publish(), grains, inventory);

    private static Task<Results<Ok<EventResponse>, ProblemHttpResult>> CloseEventSales(
        Guid eventId, ClaimsPrincipal user, IGrainFactory grains, SeatInventoryReader inventory) =>
        RunCommand(eventId, user, grain => grain.CloseSales(), grains, inventory);

    private static async Task<Results<Ok<EventResponse>, Accepted<EventResponse>, ProblemHttpResult>> CancelEvent(
        Guid eventId, ClaimsPrincipal user, IGrainFactory grains, SeatInventoryReader inventory)
    {
        if (await EventOwnership.RefuseUnlessOwnerAsync(eventId, user, grains) is { } refusal)
        {
            return refusal;
        }

        var result = await grains.GetGrain<IEventGrain>(eventId).Cancel();
        if (result.Event is not { } details)
        {
            return CommandProblem(result);
        }

        // The blocks are closed already; the bookings' cancellation goes on in the event grain, without this request.
        var ev = await WithAvailability(details, grains, inventory);
        return details.Cancellation is { Completed: false }
            ? TypedResults.Accepted($"/api/events/{eventId}", ev)
            : TypedResults.Ok(ev);
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> RunCommand(
        Guid eventId, ClaimsPrincipal user, Func<IEventGrain, Task<EventCommandResult>> command, IGrainFactory grains, SeatInventoryReader inventory)
    {
        if (await EventOwnership.RefuseUnlessOwnerAsync(eventId, user, grains) is { } refusal)
        {
            return refusal;
        }

        var result = await command(grains.GetGrain<IEventGrain>(eventId));
        return result.Event is { } details
            ? TypedResults.Ok(await WithAvailability(details, grains, inventory))
            : CommandProblem(result);
    }

    /// <summary>A draft is its organizer's (and an admin's) alone; anything published is public.</summary>
    private static bool MaySee(ClaimsPrincipal user, EventStatus status, string? ownerId) =>
        status != EventStatus.Draft || user.IsAdmin() || (ownerId is not null && ownerId == user.SubjectId());

    private static async Task<EventResponse> WithAvailability(EventDetails details, IGrainFactory grains, SeatInventoryReader inventory)
    {
        var layout = await grains.GetGrain<IEventGrain>(details.Id).GetLayout();
        return EventResponse.From(details, layout is null ? null : await inventory.GetAvailabilityAsync(layout));
    }

    private static ProblemHttpResult CommandProblem(EventCommandResult result) => result.Error switch
    {
        EventCommandError.NotFound => Problems.NotFound(result.Message ?? "No such event."),
        _ => Problems.Conflict(result.Message ?? "The event cannot do that now."),
    };
}
