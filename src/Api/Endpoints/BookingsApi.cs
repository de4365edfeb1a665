using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Ticketing.Api.Contracts;
using Ticketing.Api.Infrastructure;
using Ticketing.Api.Routing;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

public static class BookingsApi
{
    private const string IdempotencyKeyDescription =
        "Optional, 1 to 200 characters. Retrying with the same key and the same body returns the same booking; nothing is held or charged twice.";

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        // Every endpoint asks the cluster, which may not answer in time (503, see ProblemExceptionHandler).
        // Customers (and admins) only, each on its own bookings: someone else's booking is a 404, as if it did not exist.
        app.MapPost("/api/events/{eventId:guid}/bookings", CreateBooking)
            .RequirePolicy(Policies.Customer)
            .LimitRate(SecurityExtensions.RateLimits.CustomerWrites)
            .WithTags("Bookings")
            .WithName("createBooking")
            .WithSummary("Hold seats")
            .WithDescription("Holds specific seats ({ email, seats }) or the best available ones of a section ({ email, section, quantity }) " +
                "until the booking's expiresAt, all or nothing, for the calling customer (email defaults to the token's). 409 with " +
                "unavailableSeats when a seat is taken or too few are left, when the event is not on sale, or when the customer would " +
                "hold or own more than the event's maxSeatsPerCustomer; 422 when the customer used the Idempotency-Key with a different body. " +
                "On an event with a waiting room the Admission-Token header must carry the token its queue gave this customer: 403 otherwise.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);

        var bookings = app.MapGroup("/api/bookings").WithTags("Bookings").RequirePolicy(Policies.Customer)
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);

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
            .LimitRate(SecurityExtensions.RateLimits.CustomerWrites)
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
        [FromHeader(Name = AdmissionTokens.HeaderName), Description("Required on an event with a waiting room: the admissionToken of the customer's admitted queue ticket.")]
        string? admissionToken,
        ClaimsPrincipal user,
        IGrainFactory grains,
        EventLayoutCache layouts,
        AdmissionTokens admissions,
        IOptions<BookingOptions> options)
    {
        var customerId = user.SubjectId()!;
        request = request with { Email = request.Email ?? user.Email() };
        var errors = new ValidationErrors();
        request.Validate(options.Value.MaxSeatsPerBooking, errors);
        IdempotencyKeyHeader.Validate(idempotencyKey, errors);
        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        var layout = await layouts.GetAsync(eventId);
        if (layout is null || (layout.Status == EventStatus.Draft && layout.OwnerId != customerId && !user.IsAdmin()))
        {
            return Problems.NotFound($"Event {eventId} does not exist.");
        }

        // Events without a waiting room pay one null check here.
        if (layout.WaitingRoom is not null && admissions.Check(admissionToken, eventId, customerId) is var admission and not AdmissionCheck.Valid)
        {
            return QueueApi.AdmissionRefused(eventId, admission);
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

        // Idempotency keys are the customer's own: the same key from another customer is another booking.
        var bookingId = idempotencyKey is null ? Guid.CreateVersion7() : BookingRouter.BookingIdFor(eventId, customerId, idempotencyKey);
        // A limit at or above the event's capacity cannot be passed: such holds skip the quota (0 = none).
        var limit = layout.MaxSeatsPerCustomer < layout.Sections.Sum(s => s.Section.Capacity) ? layout.MaxSeatsPerCustomer : 0;
        var result = await grains.GetGrain<IBookingGrain>(bookingId).Hold(plan! with { CustomerId = customerId, MaxSeatsPerCustomer = limit });
        return result.Error switch
        {
            BookingError.None => TypedResults.Created($"/api/bookings/{bookingId}", BookingResponse.From(result.Booking!)),
            BookingError.SeatsUnavailable => Problems.Conflict(result.Message!,
                new Dictionary<string, object?> { ["unavailableSeats"] = result.UnavailableSeats }),
            BookingError.NotOnSale => Problems.Conflict(result.Message!),
            BookingError.PurchaseLimitReached => Problems.Conflict(result.Message!,
                new Dictionary<string, object?> { ["maxSeatsPerCustomer"] = layout.MaxSeatsPerCustomer }),
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
        ClaimsPrincipal user,
        IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        request.Validate(errors);
        IdempotencyKeyHeader.Validate(idempotencyKey, errors);
        if (errors.Any)
        {
            return Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IBookingGrain>(bookingId).Pay(request.PaymentToken!.Trim(), user.BookingOwnerFilter());
        return result.Error == BookingCommandError.None ? TypedResults.Ok(BookingResponse.From(result.Booking!)) : CommandProblem(bookingId, result);
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CancelBooking(Guid bookingId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await grains.GetGrain<IBookingGrain>(bookingId).Cancel(user.BookingOwnerFilter());
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

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetBooking(Guid bookingId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var booking = await grains.GetGrain<IBookingGrain>(bookingId).Get(user.BookingOwnerFilter());
        return booking is null
            ? Problems.NotFound($"Booking {bookingId} does not exist.")
            : TypedResults.Ok(BookingResponse.From(booking));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReleaseBooking(Guid bookingId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await grains.GetGrain<IBookingGrain>(bookingId).ReleaseHold(user.BookingOwnerFilter());
        return result.Error switch
        {
            BookingCommandError.None => TypedResults.NoContent(),
            BookingCommandError.NotReleasable => Problems.Conflict(result.Message!,
                new Dictionary<string, object?> { ["cancel"] = $"/api/bookings/{bookingId}/cancel" }),
            _ => CommandProblem(bookingId, result),
        };
    }
}
