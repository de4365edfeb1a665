using System.ComponentModel.DataAnnotations;

namespace Ticketing.Api.Infrastructure;

/// <summary>The caps an event's request must respect.</summary>
public sealed record EventLimits(int MaxSections, int MaxSeats);

/// <summary>Booking rules and caps on work an operator may tune, from the "Ticketing" configuration section.</summary>
public sealed class BookingOptions
{
    public const string SectionName = "Ticketing";

    /// <summary>Most seats (or standing places) one booking may hold.</summary>
    [Range(1, 100)]
    public int MaxSeatsPerBooking { get; set; } = 10;

    /// <summary>Most places (seats and standing) one event may have: a bigger one is a 400 when it is created.</summary>
    [Range(1, 2_000_000)]
    public int MaxSeatsPerEvent { get; set; } = 200_000;

    /// <summary>Most sections one event may have (a section is at least one seat block, and publish opens them all).</summary>
    [Range(1, 1_000)]
    public int MaxSectionsPerEvent { get; set; } = 400;

    /// <summary>Most seats one page of a seat map may list (whole rows; at least one row).</summary>
    [Range(100, 100_000)]
    public int MaxSeatMapPageSeats { get; set; } = 5_000;

    public EventLimits EventLimits => new(MaxSectionsPerEvent, MaxSeatsPerEvent);
}
