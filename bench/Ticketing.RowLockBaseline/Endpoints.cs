namespace Ticketing.RowLockBaseline;

public static class Endpoints
{
    public static void MapEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", CreateEvent);
        app.MapGet("/api/events/{eventId:guid}", GetEvent);
        app.MapPost("/api/events/{eventId:guid}/publish", (Guid eventId, SeatInventory inventory, EventCatalog catalog, TimeProvider time) =>
            ChangeStatus(eventId, [EventStatus.Draft, EventStatus.OnSale], EventStatus.OnSale, inventory, catalog, time));
        app.MapPost("/api/events/{eventId:guid}/close", (Guid eventId, SeatInventory inventory, EventCatalog catalog, TimeProvider time) =>
            ChangeStatus(eventId, [EventStatus.OnSale, EventStatus.SalesClosed], EventStatus.SalesClosed, inventory, catalog, time));
        app.MapGet("/api/events/{eventId:guid}/sections/{sectionId}/seats", GetSeats);
        app.MapPost("/api/events/{eventId:guid}/bookings", CreateBooking);
        app.MapGet("/api/bookings/{bookingId:guid}", GetBooking);
        app.MapDelete("/api/bookings/{bookingId:guid}", ReleaseBooking);
        app.MapPost("/api/bookings/{bookingId:guid}/payment", PayBooking);
        app.MapPost("/api/bookings/{bookingId:guid}/cancel", CancelBooking);
    }

    private static async Task<IResult> CreateEvent(CreateEventRequest request, SeatInventory inventory, EventCatalog catalog, TimeProvider time)
    {
        var errors = new ValidationErrors();
        var definition = RequestValidator.Validate(request, Guid.CreateVersion7(), time.GetUtcNow(), errors);
        if (definition is null)
        {
            return Invalid(errors);
        }

        await inventory.CreateEventAsync(definition);
        catalog.Remember(definition);
        var allFree = definition.Sections.ToDictionary(s => s.Id, s => new AvailabilityResponse(s.Capacity, s.Capacity, 0, 0));
        return TypedResults.Created($"/api/events/{definition.Id}", BookingMapper.ToResponse(definition, EventStatus.Draft, allFree));
    }

    private static async Task<IResult> GetEvent(Guid eventId, SeatInventory inventory, EventCatalog catalog, TimeProvider time)
    {
        var definition = await catalog.GetAsync(eventId);
        if (definition is null || await inventory.GetStatusAsync(eventId) is not { } status)
        {
            return NotFound($"Event {eventId} does not exist.");
        }

        return TypedResults.Ok(BookingMapper.ToResponse(definition, status, await inventory.GetAvailabilityAsync(eventId, time.GetUtcNow())));
    }

    private static async Task<IResult> ChangeStatus(Guid eventId, EventStatus[] from, EventStatus to, SeatInventory inventory, EventCatalog catalog,
        TimeProvider time)
    {
        var definition = await catalog.GetAsync(eventId);
        if (definition is null || await inventory.ChangeStatusAsync(eventId, from, to) is not { } status)
        {
            return NotFound($"Event {eventId} does not exist.");
        }

        return status != to
            ? Conflict($"The event is {status}: it cannot become {to}.")
            : TypedResults.Ok(BookingMapper.ToResponse(definition, status, await inventory.GetAvailabilityAsync(eventId, time.GetUtcNow())));
    }

    private static async Task<IResult> GetSeats(Guid eventId, string sectionId, SeatInventory inventory, EventCatalog catalog, TimeProvider time)
    {
        var definition = await catalog.GetAsync(eventId);
        if (definition is null)
        {
            return NotFound($"Event {eventId} does not exist.");
        }

        var section = definition.FindSection(sectionId);
        if (section is null)
        {
            return NotFound($"Section '{sectionId}' does not exist in this event.");
        }

        return section.Kind != SectionKind.Seated
            ? NotFound($"Section {section.Id} is general admission: it has no seat map. Its availability is on the event.")
            : TypedResults.Ok(await inventory.GetSeatMapAsync(eventId, section.Id, time.GetUtcNow()));
    }

    private static async Task<IResult> CreateBooking(Guid eventId, CreateBookingRequest request, SeatInventory inventory, EventCatalog catalog,
        TimeProvider time)
    {
        var errors = new ValidationErrors();
        RequestValidator.Validate(request, errors);
        if (errors.Any)
        {
            return Invalid(errors);
        }

        var definition = await catalog.GetAsync(eventId);
        if (definition is null)
        {
            return NotFound($"Event {eventId} does not exist.");
        }

        var (hold, problem) = RequestValidator.Resolve(request, definition);
        if (problem is not null)
        {
            return TypedResults.Problem(problem.Detail, statusCode: problem.StatusCode,
                title: problem.StatusCode == StatusCodes.Status404NotFound ? "Not found" : "Invalid request");
        }

        var now = time.GetUtcNow();
        var bookingId = Guid.CreateVersion7();
        var outcome = await inventory.HoldAsync(definition, hold!, bookingId, now);
        return outcome.Error switch
        {
            HoldError.None => TypedResults.Created($"/api/bookings/{bookingId}", BookingMapper.ToResponse(outcome.Booking!, now)),
            HoldError.SeatsUnavailable => Conflict(outcome.Message!, new Dictionary<string, object?> { ["unavailableSeats"] = outcome.UnavailableSeats }),
            _ => Conflict(outcome.Message!),
        };
    }

    private static async Task<IResult> GetBooking(Guid bookingId, SeatInventory inventory, TimeProvider time) =>
        await inventory.GetBookingAsync(bookingId) is { } booking
            ? TypedResults.Ok(BookingMapper.ToResponse(booking, time.GetUtcNow()))
            : NotFound($"Booking {bookingId} does not exist.");

    private static async Task<IResult> ReleaseBooking(Guid bookingId, SeatInventory inventory, TimeProvider time) =>
        await inventory.ReleaseAsync(bookingId, time.GetUtcNow())
            ? TypedResults.NoContent()
            : NotFound($"Booking {bookingId} does not exist.");

    private static async Task<IResult> PayBooking(Guid bookingId, PaymentRequest request, SeatInventory inventory, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(request.PaymentToken) || request.PaymentToken.Length > 200)
        {
            var errors = new ValidationErrors();
            errors.Add("paymentToken", "is required (at most 200 characters), e.g. tok_visa.");
            return Invalid(errors);
        }

        var now = time.GetUtcNow();
        return PaymentResult(bookingId, await inventory.PayAsync(bookingId, request.PaymentToken.Trim(), now), now);
    }

    private static async Task<IResult> CancelBooking(Guid bookingId, SeatInventory inventory, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return PaymentResult(bookingId, await inventory.CancelAsync(bookingId, now), now);
    }

    private static IResult PaymentResult(Guid bookingId, PaymentOutcome outcome, DateTimeOffset now)
    {
        if (outcome.Error == PaymentError.None)
        {
            return TypedResults.Ok(BookingMapper.ToResponse(outcome.Booking!, now));
        }

        if (outcome.Error == PaymentError.NotFound)
        {
            return NotFound($"Booking {bookingId} does not exist.");
        }

        var extensions = new Dictionary<string, object?>();
        if (outcome.Booking is { } booking)
        {
            extensions["booking"] = BookingMapper.ToResponse(booking, now);
        }

        return outcome.Error == PaymentError.Declined
            ? TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status402PaymentRequired, title: "Payment declined", extensions: extensions)
            : Conflict(outcome.Message!, extensions);
    }

    private static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);

    private static IResult Invalid(ValidationErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail: errors.Summary(), title: "Invalid request");
}
