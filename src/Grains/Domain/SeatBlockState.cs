using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

/// <summary>
/// What a seat block persists: its layout and one entry per booking that holds or bought seats in it. Free
/// seats cost nothing, so a block's document grows with its bookings, not with its seats.
/// </summary>
[GenerateSerializer, Alias("SeatBlockState")]
public sealed class SeatBlockState
{
    [Id(0)] public BlockDefinition? Definition { get; set; }

    [Id(1)] public bool IsOpen { get; set; }

    [Id(2)] public List<SeatAllocation> Allocations { get; set; } = [];

    /// <summary>The event was cancelled: nothing here may be sold any more, not even a hold that is being paid.</summary>
    [Id(3)] public bool IsCancelled { get; set; }
}

/// <summary>Seats (by index inside the block) or general-admission places that one booking holds or bought.</summary>
[GenerateSerializer, Alias("SeatAllocation")]
public sealed class SeatAllocation
{
    [Id(0)] public Guid BookingId { get; set; }

    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }

    [Id(2)] public bool Sold { get; set; }

    /// <summary>Seat indexes, row-major from the block's first row; empty for general admission.</summary>
    [Id(3)] public int[] SeatIndexes { get; set; } = [];

    /// <summary>Number of places: the seat count, or the general-admission quantity.</summary>
    [Id(4)] public int Quantity { get; set; }

    public bool IsExpiredAt(DateTimeOffset now) => !Sold && ExpiresAt <= now;
}
