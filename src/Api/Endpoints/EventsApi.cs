using Ticketing.Api.Contracts;
using Ticketing.Api.Routing;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

public static class EventsApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events").WithTags("Events");
        api.MapPost("/", CreateEvent);
        api.MapGet("/", ListEvents);
        api.MapGet("/{eventId:guid}", GetEvent);
        api.MapPut("/{eventId:guid}", UpdateEvent);
        api.MapPost("/{eventId:guid}/publish", (Guid eventId, IGrainFactory grains, SeatInventoryReader inventory) =>
            RunCommand(grains.GetGrain<IEventGrain>(eventId).Publish(), grains, inventory));
        api.MapPost("/{eventId:guid}/close", (Guid eventId, IGrainFactory grains, SeatInventoryReader inventory) =>
            RunCommand(grains.GetGrain<IEventGrain>(eventId).CloseSales(), grains, inventory));
        api.MapPost("/{eventId:guid}/cancel", (Guid eventId, IGrainFactory grains, SeatInventoryReader inventory) =>
            RunCommand(grains.GetGrain<IEventGrain>(eventId).Cancel(), grains, inventory));
        api.MapGet("/{eventId:guid}/sections/{sectionId}/seats", GetSeats);
        return api;
    }

    private static async Task<IResult> CreateEvent(CreateEventRequest request, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var definition = RequestValidator.Validate(request, errors);
        if (definition is null)
        {
            return Problems.Invalid(errors);
        }

        var details = await grains.GetGrain<IEventGrain>(Guid.CreateVersion7()).Create(definition);
        return TypedResults.Created($"/api/events/{details.Id}", EventResponse.From(details, SeatInventoryReader.AllFree(definition.Sections)));
    }

    private static async Task<IResult> UpdateEvent(Guid eventId, CreateEventRequest request, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var definition = RequestValidator.Validate(request, errors);
        if (definition is null)
        {
            return Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IEventGrain>(eventId).Update(definition);
        return result.Event is { } details
            ? TypedResults.Ok(EventResponse.From(details, SeatInventoryReader.AllFree(definition.Sections)))
            : CommandProblem(result);
    }

    private static async Task<IResult> ListEvents(IGrainFactory grains, int page = 1, int pageSize = 20)
    {
        if (page < 1)
        {
            return Problems.Invalid("page", "must be 1 or more.");
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

    private static async Task<IResult> GetEvent(Guid eventId, IGrainFactory grains, SeatInventoryReader inventory)
    {
        var details = await grains.GetGrain<IEventGrain>(eventId).GetDetails();
        return details is null
            ? Problems.NotFound($"Event {eventId} does not exist.")
            : TypedResults.Ok(await WithAvailability(details, grains, inventory));
    }

    private static async Task<IResult> GetSeats(Guid eventId, string sectionId, IGrainFactory grains, SeatInventoryReader inventory)
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

    private static async Task<IResult> RunCommand(Task<EventCommandResult> command, IGrainFactory grains, SeatInventoryReader inventory)
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

    private static IResult CommandProblem(EventCommandResult result) => result.Error switch
    {
        EventCommandError.NotFound => Problems.NotFound(result.Message ?? "No such event."),
        _ => Problems.Conflict(result.Message ?? "The event cannot do that now."),
    };
}
