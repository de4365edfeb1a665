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
        bookings.MapPost("/{bookingId:guid}/payment", PayBooking);
        bookings.MapPost("/{bookingId:guid}/cancel", CancelBooking);
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
        ValidateIdempotencyKey(idempotencyKey, errors);
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

    /// <summary>
    /// Pays a held booking. Payment is idempotent per booking (the gateway gets the booking's own key), so the
    /// optional Idempotency-Key header only has to be well-formed: paying a Confirmed booking again charges nothing.
    /// </summary>
    private static async Task<IResult> PayBooking(
        Guid bookingId,
        PaymentRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.PaymentToken))
        {
            errors.Add("paymentToken", "is required, e.g. tok_visa.");
        }
        else if (request.PaymentToken.Length > 200)
        {
            errors.Add("paymentToken", "must be at most 200 characters.");
        }

        ValidateIdempotencyKey(idempotencyKey, errors);
        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IBookingGrain>(bookingId).Pay(request.PaymentToken!.Trim());
        return PaymentOutcome(bookingId, result);
    }

    private static async Task<IResult> CancelBooking(Guid bookingId, IGrainFactory grains) =>
        PaymentOutcome(bookingId, await grains.GetGrain<IBookingGrain>(bookingId).Cancel());

    private static IResult PaymentOutcome(Guid bookingId, BookingCommandResult result)
    {
        if (result.Error == BookingCommandError.None)
        {
            return TypedResults.Ok(BookingResponse.From(result.Booking!));
        }

        if (result.Error == BookingCommandError.NotFound)
        {
            return Problems.NotFound($"Booking {bookingId} does not exist.");
        }

        var (status, title) = result.Error switch
        {
            BookingCommandError.Declined => (StatusCodes.Status402PaymentRequired, "Payment declined"),
            BookingCommandError.GatewayUnavailable => (StatusCodes.Status503ServiceUnavailable, "Payment provider unavailable"),
            BookingCommandError.GatewayTimeout => (StatusCodes.Status504GatewayTimeout, "Payment provider timed out"),
            _ => (StatusCodes.Status409Conflict, "Conflict"),
        };
        var extensions = new Dictionary<string, object?>();
        if (result.Booking is { } booking)
        {
            extensions["booking"] = BookingResponse.From(booking);
        }

        return TypedResults.Problem(result.Message, statusCode: status, title: title, extensions: extensions);
    }

    private static void ValidateIdempotencyKey(string? idempotencyKey, ValidationErrors errors)
    {
        if (idempotencyKey is not null && (idempotencyKey.Length == 0 || idempotencyKey.Length > MaxIdempotencyKeyLength))
        {
            errors.Add("Idempotency-Key", $"the header must be 1 to {MaxIdempotencyKeyLength} characters.");
        }
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
