using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Ticketing.Api.Contracts;
using Ticketing.Api.Infrastructure;
using Ticketing.Api.Routing;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

public static class BookingsApi
{
    public const int MaxIdempotencyKeyLength = 200;

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events/{eventId:guid}/bookings", CreateBooking).WithTags("Bookings");

        var bookings = app.MapGroup("/api/bookings").WithTags("Bookings");
        bookings.MapGet("/{bookingId:guid}", GetBooking);
        bookings.MapDelete("/{bookingId:guid}", ReleaseBooking);
        return app;
    }

    private static async Task<IResult> CreateBooking(
        Guid eventId,
        CreateBookingRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        IGrainFactory grains,
        EventLayoutCache layouts,
        IOptions<BookingOptions> options)
    {
        var errors = new ValidationErrors();
        RequestValidator.Validate(request, options.Value.MaxSeatsPerBooking, errors);
        if (idempotencyKey is not null && (idempotencyKey.Length == 0 || idempotencyKey.Length > MaxIdempotencyKeyLength))
        {
            errors.Add("Idempotency-Key", $"the header must be 1 to {MaxIdempotencyKeyLength} characters.");
        }

        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        var layout = await layouts.GetAsync(eventId);
        if (layout is null)
        {
            return Problems.NotFound($"Event {eventId} does not exist.");
        }

        var (plan, routingError) = BookingRouter.Plan(layout, request);
        if (routingError is not null)
        {
            return Problems.From(routingError);
        }

        if (layout.Status != EventStatus.OnSale)
        {
            return Problems.Conflict($"The event is {layout.Status}: bookings are only taken while it is OnSale.");
        }

        var bookingId = idempotencyKey is null ? Guid.CreateVersion7() : BookingRouter.BookingIdFor(eventId, idempotencyKey);
        var result = await grains.GetGrain<IBookingGrain>(bookingId).Hold(plan!);
        return result.Error switch
        {
            BookingError.None => TypedResults.Created($"/api/bookings/{bookingId}", BookingResponse.From(result.Booking!)),
            BookingError.SeatsUnavailable => Problems.Conflict(result.Message!,
                new Dictionary<string, object?> { ["unavailableSeats"] = result.UnavailableSeats }),
            BookingError.NotOnSale => Problems.Conflict(result.Message!),
            BookingError.IdempotencyKeyReused => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency key reused"),
            _ => throw new InvalidOperationException($"Unknown booking error {result.Error}."),
        };
    }

    private static async Task<IResult> GetBooking(Guid bookingId, IGrainFactory grains)
    {
        var booking = await grains.GetGrain<IBookingGrain>(bookingId).Get();
        return booking is null
            ? Problems.NotFound($"Booking {bookingId} does not exist.")
            : TypedResults.Ok(BookingResponse.From(booking));
    }

    private static async Task<IResult> ReleaseBooking(Guid bookingId, IGrainFactory grains)
    {
        var existed = await grains.GetGrain<IBookingGrain>(bookingId).Release();
        return existed ? TypedResults.NoContent() : Problems.NotFound($"Booking {bookingId} does not exist.");
    }
}
