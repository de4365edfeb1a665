using Microsoft.AspNetCore.Http.HttpResults;
using Ticketing.Api.Contracts;
using Ticketing.Api.Routing;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

public static class EventsApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        // Every endpoint asks the cluster, which may not answer in time (503, see ProblemExceptionHandler).
        var api = app.MapGroup("/api/events").WithTags("Events").ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/", CreateEvent)
            .WithName("createEvent")
            .WithSummary("Create an event")
            .WithDescription("Creates a Draft event with its sections: seated (rows and seatsPerRow) or general admission " +
                "(capacity). holdSeconds, how long a booking holds its seats, defaults to 600. The Location header names the new event.")
            .ProducesProblems(StatusCodes.Status415UnsupportedMediaType);

        api.MapGet("/", ListEvents)
            .WithName("listEvents")
            .WithSummary("List events")
            .WithDescription($"One page of events, oldest first, and the total count. pageSize is 1 to {MaxPageSize}.");

        api.MapGet("/{eventId:guid}", GetEvent)
            .WithName("getEvent")
            .WithSummary("Get an event")
            .WithDescription("The event with each section's availability: capacity, free, held and sold.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        api.MapPut("/{eventId:guid}", UpdateEvent)
            .WithName("updateEvent")
            .WithSummary("Replace a draft event")
            .WithDescription("Replaces a Draft event's description and layout. Once the event is on sale its layout is frozen: 409.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType);

        api.MapPost("/{eventId:guid}/publish", PublishEvent)
            .WithName("publishEvent")
            .WithSummary("Put an event on sale")
            .WithDescription("Draft → OnSale: bookings are taken from now on. Publishing an event that is on sale already " +
                "returns it unchanged; a closed or cancelled event cannot go on sale again (409).")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        api.MapPost("/{eventId:guid}/close", CloseEventSales)
            .WithName("closeEventSales")
            .WithSummary("Stop an event's sales")
            .WithDescription("OnSale → SalesClosed: no new holds; existing holds and sales stay. Only an event on sale can close (409 otherwise).")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        api.MapPost("/{eventId:guid}/cancel", CancelEvent)
            .WithName("cancelEvent")
            .WithSummary("Cancel an event")
            .WithDescription("→ Cancelled: no new holds; every held booking is released and every confirmed one refunded. " +
                "Repeating it finishes an interrupted run.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        api.MapGet("/{eventId:guid}/sections/{sectionId}/seats", GetSeatMap)
            .WithName("getSeatMap")
            .WithSummary("Get a section's seat map")
            .WithDescription("Every seat of a seated section with its status (Free, Held or Sold). General-admission sections " +
                "have no seat map (404): their availability is on the event.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        return api;
    }

    private static async Task<Results<Created<EventResponse>, ValidationProblem>> CreateEvent(CreateEventRequest request, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var definition = request.ToEventDefinition(errors);
        if (definition is null)
        {
            return Problems.Invalid(errors);
        }

        var details = await grains.GetGrain<IEventGrain>(Guid.CreateVersion7()).Create(definition);
        return TypedResults.Created($"/api/events/{details.Id}", EventResponse.From(details, SeatInventoryReader.AllFree(definition.Sections)));
    }

    private static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> UpdateEvent(
        Guid eventId, CreateEventRequest request, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var definition = request.ToEventDefinition(errors);
        if (definition is null)
        {
            return Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IEventGrain>(eventId).Update(definition);
        return result.Event is { } details
            ? TypedResults.Ok(EventResponse.From(details, SeatInventoryReader.AllFree(definition.Sections)))
            : CommandProblem(result);
    }

    private static async Task<Results<Ok<EventListResponse>, ValidationProblem>> ListEvents(IGrainFactory grains, int page = 1, int pageSize = 20)
    {
        // Bounded so that the number of events skipped, (page - 1) × pageSize, stays an int.
        const int maxPage = int.MaxValue / MaxPageSize;
        if (page < 1 || page > maxPage)
        {
            return Problems.Invalid("page", $"must be from 1 to {maxPage}.");
        }

        if (pageSize < 1 || pageSize > MaxPageSize)
        {
            return Problems.Invalid("pageSize", $"must be from 1 to {MaxPageSize}.");
        }

        var catalog = grains.GetGrain<IEventCatalogGrain>(0);
        var items = await catalog.List((page - 1) * pageSize, pageSize);
        var total = await catalog.Count();
        return TypedResults.Ok(new EventListResponse(items.Select(EventSummaryResponse.From).ToList(), page, pageSize, total));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetEvent(Guid eventId, IGrainFactory grains, SeatInventoryReader inventory)
    {
        var details = await grains.GetGrain<IEventGrain>(eventId).GetDetails();
        return details is null
            ? Problems.NotFound($"Event {eventId} does not exist.")
            : TypedResults.Ok(await WithAvailability(details, grains, inventory));
    }

    private static async Task<Results<Ok<List<SeatResponse>>, ProblemHttpResult>> GetSeatMap(
        Guid eventId, string sectionId, IGrainFactory grains, SeatInventoryReader inventory)
    {
        var layout = await grains.GetGrain<IEventGrain>(eventId).GetLayout();
        if (layout is null)
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

        var seats = await inventory.GetSeatsAsync(layout, section);
        return TypedResults.Ok(seats
            .Select(s => new SeatResponse(s.Position.ToSeatId(section.Section.Id), s.Position.Row, s.Position.Number, s.Status))
            .ToList());
    }

    private static Task<Results<Ok<EventResponse>, ProblemHttpResult>> PublishEvent(Guid eventId, IGrainFactory grains, SeatInventoryReader inventory) =>
        RunCommand(grains.GetGrain<IEventGrain>(eventId).Publish(), grains, inventory);

    private static Task<Results<Ok<EventResponse>, ProblemHttpResult>> CloseEventSales(Guid eventId, IGrainFactory grains, SeatInventoryReader inventory) =>
        RunCommand(grains.GetGrain<IEventGrain>(eventId).CloseSales(), grains, inventory);

    private static Task<Results<Ok<EventResponse>, ProblemHttpResult>> CancelEvent(Guid eventId, IGrainFactory grains, SeatInventoryReader inventory) =>
        RunCommand(grains.GetGrain<IEventGrain>(eventId).Cancel(), grains, inventory);

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> RunCommand(
        Task<EventCommandResult> command, IGrainFactory grains, SeatInventoryReader inventory)
    {
        var result = await command;
        return result.Event is { } details
            ? TypedResults.Ok(await WithAvailability(details, grains, inventory))
            : CommandProblem(result);
    }

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
