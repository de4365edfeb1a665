using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Ticketing.Api.Contracts;
using Ticketing.Api.Infrastructure;
using Ticketing.Api.Routing;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

public static class BookingsApi
{
    private const string IdempotencyKeyDescription =
        "Optional, 1 to 200 characters. Retrying with the same key and the same body returns the same booking; nothing is held or charged twice.";

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        // Every endpoint asks the cluster, which may not answer in time (503, see ProblemExceptionHandler).
        app.MapPost("/api/events/{eventId:guid}/bookings", CreateBooking)
            .WithTags("Bookings")
            .WithName("createBooking")
            .WithSummary("Hold seats")
            .WithDescription("Holds specific seats ({ email, seats }) or the best available ones of a section ({ email, section, quantity }) " +
                "until the booking's expiresAt, all or nothing. 409 with unavailableSeats when a seat is taken or too few are left, " +
                "or when the event is not on sale; 422 when the Idempotency-Key was used with a different body.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);

        var bookings = app.MapGroup("/api/bookings").WithTags("Bookings").ProducesProblems(StatusCodes.Status503ServiceUnavailable);

        bookings.MapGet("/{bookingId:guid}", GetBooking)
            .WithName("getBooking")
            .WithSummary("Get a booking")
            .WithDescription("The booking with its payment, refunds and tickets; Expired once expiresAt has passed.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        bookings.MapDelete("/{bookingId:guid}", ReleaseBooking)
            .WithName("releaseBooking")
            .WithSummary("Release a booking")
            .WithDescription("Frees a held booking's seats at once. Releasing again, or releasing an expired, released or failed " +
                "booking, is also a 204. A booking that is paid or being paid (Confirmed, PaymentPending, RefundPending) is a 409 " +
                "whose cancel member points to POST /api/bookings/{bookingId}/cancel, which refunds it.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        bookings.MapPost("/{bookingId:guid}/payment", PayBooking)
            .WithName("payBooking")
            .WithSummary("Pay a held booking")
            .WithDescription("Charges the booking's total and confirms it with one ticket per seat. Declined: 402; provider " +
                "unavailable: 503 (both leave the booking PaymentFailed and free its seats, shown in the problem's booking). " +
                "A provider that times out is asked about the charge: charged, 200; not charged, 504 and PaymentFailed; still " +
                "silent, 504 with the booking PaymentPending, settled on its own later. An expired, released or failed booking: 409. " +
                "Paying a Confirmed booking again returns it and charges nothing.")
            .ProducesProblems(StatusCodes.Status402PaymentRequired, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status504GatewayTimeout);

        bookings.MapPost("/{bookingId:guid}/cancel", CancelBooking)
            .WithName("cancelBooking")
            .WithSummary("Cancel a booking")
            .WithDescription("A Confirmed booking is refunded and its seats go back on sale (Cancelled, or RefundPending while a " +
                "failed refund is retried); a Held booking is released. Other bookings cannot be cancelled (409).")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Results<Created<BookingResponse>, ValidationProblem, ProblemHttpResult>> CreateBooking(
        Guid eventId,
        CreateBookingRequest request,
        [FromHeader(Name = IdempotencyKeyHeader.Name), Description(IdempotencyKeyDescription)] string? idempotencyKey,
        IGrainFactory grains,
        EventLayoutCache layouts,
        IOptions<BookingOptions> options)
    {
        var errors = new ValidationErrors();
        request.Validate(options.Value.MaxSeatsPerBooking, errors);
        IdempotencyKeyHeader.Validate(idempotencyKey, errors);
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
    private static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> PayBooking(
        Guid bookingId,
        PaymentRequest request,
        [FromHeader(Name = IdempotencyKeyHeader.Name), Description("Optional, 1 to 200 characters. Payment is idempotent per booking in any case.")]
        string? idempotencyKey,
        IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        request.Validate(errors);
        IdempotencyKeyHeader.Validate(idempotencyKey, errors);
        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IBookingGrain>(bookingId).Pay(request.PaymentToken!.Trim());
        return result.Error == BookingCommandError.None ? TypedResults.Ok(BookingResponse.From(result.Booking!)) : CommandProblem(bookingId, result);
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CancelBooking(Guid bookingId, IGrainFactory grains)
    {
        var result = await grains.GetGrain<IBookingGrain>(bookingId).Cancel();
        return result.Error == BookingCommandError.None ? TypedResults.Ok(BookingResponse.From(result.Booking!)) : CommandProblem(bookingId, result);
    }

    /// <summary>Why a payment or cancellation was refused; the booking as it is now rides along when there is one.</summary>
    private static ProblemHttpResult CommandProblem(Guid bookingId, BookingCommandResult result)
    {
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

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetBooking(Guid bookingId, IGrainFactory grains)
    {
        var booking = await grains.GetGrain<IBookingGrain>(bookingId).Get();
        return booking is null
            ? Problems.NotFound($"Booking {bookingId} does not exist.")
            : TypedResults.Ok(BookingResponse.From(booking));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReleaseBooking(Guid bookingId, IGrainFactory grains)
    {
        var result = await grains.GetGrain<IBookingGrain>(bookingId).ReleaseHold();
        return result.Error switch
        {
            BookingCommandError.None => TypedResults.NoContent(),
            BookingCommandError.NotReleasable => Problems.Conflict(result.Message!,
                new Dictionary<string, object?> { ["cancel"] = $"/api/bookings/{bookingId}/cancel" }),
            _ => CommandProblem(bookingId, result),
        };
    }
}
