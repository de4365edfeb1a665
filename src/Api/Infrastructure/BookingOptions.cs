using System.ComponentModel.DataAnnotations;

namespace Ticketing.Api.Infrastructure;

/// <summary>Booking rules an operator may tune, from the "Ticketing" configuration section.</summary>
public sealed class BookingOptions
{
    public const string SectionName = "Ticketing";

    /// <summary>Most seats (or standing places) one booking may hold.</summary>
    [Range(1, 100)]
    public int MaxSeatsPerBooking { get; set; } = 10;
}
