using System.Text.RegularExpressions;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

/// <summary>
/// The body of POST /api/events/{eventId}/bookings: specific <c>seats</c>, or a <c>section</c> and a
/// <c>quantity</c> for the best available ones.
/// </summary>
public sealed partial record CreateBookingRequest(string? Email, List<string?>? Seats, string? Section, int? Quantity)
{
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    /// <summary>Checks a booking request's shape; which seats and sections exist is the router's business.</summary>
    public void Validate(int maxSeatsPerBooking, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Email))
        {
            errors.Add("email", "is required.");
        }
        else if (Email.Length > 254 || !EmailPattern().IsMatch(Email))
        {
            errors.Add("email", $"'{Email}' is not a valid email address.");
        }

        var bySection = Section is not null || Quantity is not null;
        if (Seats is not null && bySection)
        {
            errors.Add("seats", "give either seats, or section and quantity (best available), not both.");
            return;
        }

        if (Seats is { } seats)
        {
            ValidateSeats(seats, maxSeatsPerBooking, errors);
            return;
        }

        if (!bySection)
        {
            errors.Add("seats", "give seats, or section and quantity (best available).");
            return;
        }

        if (string.IsNullOrWhiteSpace(Section))
        {
            errors.Add("section", "is required with quantity.");
        }

        if (Quantity is not { } quantity)
        {
            errors.Add("quantity", "is required with section.");
        }
        else if (quantity < 1)
        {
            errors.Add("quantity", "must be at least 1.");
        }
        else if (quantity > maxSeatsPerBooking)
        {
            errors.Add("quantity", $"at most {maxSeatsPerBooking} seats per booking.");
        }
    }

    private static void ValidateSeats(List<string?> seats, int maxSeatsPerBooking, ValidationErrors errors)
    {
        if (seats.Count == 0)
        {
            errors.Add("seats", "must list at least one seat.");
            return;
        }

        if (seats.Count > maxSeatsPerBooking)
        {
            errors.Add("seats", $"at most {maxSeatsPerBooking} seats per booking; {seats.Count} given.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < seats.Count; i++)
        {
            if (!SeatId.TryParse(seats[i], out var section, out var position))
            {
                errors.Add($"seats[{i}]", $"'{seats[i]}' is not a seat id of the form {{section}}-{{row}}-{{number}}, e.g. A-1-1.");
            }
            else if (!seen.Add(position.ToSeatId(section)))
            {
                errors.Add($"seats[{i}]", $"'{seats[i]}' is listed twice.");
            }
        }
    }
}

/// <summary>The body of POST /api/bookings/{bookingId}/payment: a test card token of the simulated provider.</summary>
public sealed record PaymentRequest(string? PaymentToken)
{
    public const int MaxPaymentTokenLength = 200;

    public void Validate(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(PaymentToken))
        {
            errors.Add("paymentToken", "is required, e.g. tok_visa.");
        }
        else if (PaymentToken.Length > MaxPaymentTokenLength)
        {
            errors.Add("paymentToken", $"must be at most {MaxPaymentTokenLength} characters.");
        }
    }
}

/// <summary>The optional Idempotency-Key header of the booking and payment requests.</summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";
    public const int MaxLength = 200;

    public static void Validate(string? idempotencyKey, ValidationErrors errors)
    {
        if (idempotencyKey is not null && (idempotencyKey.Length == 0 || idempotencyKey.Length > MaxLength))
        {
            errors.Add(Name, $"the header must be 1 to {MaxLength} characters.");
        }
        else if (idempotencyKey is not null && idempotencyKey.Any(c => c is < ' ' or > '~'))
        {
            // Keys are compared exactly; bytes outside printable ASCII do not survive every proxy unchanged.
            errors.Add(Name, "the header must be printable ASCII.");
        }
    }
}
