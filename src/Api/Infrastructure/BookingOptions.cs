namespace Ticketing.Api.Infrastructure;

/// <summary>Booking rules an operator may tune, from the "Ticketing" configuration section.</summary>
public sealed class BookingOptions
{
    public const string SectionName = "Ticketing";

    public int MaxSeatsPerBooking { get; set; } = 10;
}
