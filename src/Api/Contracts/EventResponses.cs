using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

public sealed record AvailabilityResponse(int Capacity, int Free, int Held, int Sold)
{
    public static AvailabilityResponse From(SeatCounts counts) => new(counts.Capacity, counts.Free, counts.Held, counts.Sold);
}

public sealed record SectionResponse(
    string Id,
    string Name,
    SectionKind Kind,
    int? Rows,
    int? SeatsPerRow,
    int Capacity,
    decimal Price,
    AvailabilityResponse? Availability);

public sealed record EventResponse(
    Guid Id,
    string Name,
    string? Description,
    string Venue,
    DateTimeOffset StartsAt,
    string Currency,
    int HoldSeconds,
    EventStatus Status,
    DateTimeOffset CreatedAt,
    IReadOnlyList<SectionResponse> Sections,
    int MaxSeatsPerCustomer,
    CancellationResponse? Cancellation,
    WaitingRoomResponse? WaitingRoom = null,
    DateTimeOffset? OnSaleAt = null)
{
    public static EventResponse From(EventDetails details, IReadOnlyDictionary<string, SeatCounts>? availability = null)
    {
        var definition = details.Definition;
        return new EventResponse(
            details.Id,
            definition.Name,
            definition.Description,
            definition.Venue,
            definition.StartsAt,
            definition.Currency,
            (int)definition.HoldDuration.TotalSeconds,
            details.Status,
            details.CreatedAt,
            definition.Sections.Select(s => new SectionResponse(
                s.Id,
                s.Name,
                s.Kind,
                s.Kind == SectionKind.Seated ? s.Rows : null,
                s.Kind == SectionKind.Seated ? s.SeatsPerRow : null,
                s.Capacity,
                s.Price,
                availability is not null && availability.TryGetValue(s.Id, out var counts) ? AvailabilityResponse.From(counts) : null)).ToList(),
            definition.MaxSeatsPerCustomer,
            details.Cancellation is { } c ? new CancellationResponse(c.Bookings, c.Done, c.Completed) : null,
            definition.WaitingRoom is { } room ? new WaitingRoomResponse(room.AdmitPerMinute, (int)room.ShoppingWindow.TotalSeconds) : null,
            definition.OnSaleAt);
    }
}

public sealed record EventSummaryResponse(Guid Id, string Name, string Venue, DateTimeOffset StartsAt, EventStatus Status, DateTimeOffset CreatedAt)
{
    public static EventSummaryResponse From(EventSummary s) => new(s.Id, s.Name, s.Venue, s.StartsAt, s.Status, s.CreatedAt);
}

/// <summary>
/// One page of events. Page-numbered listing: Page and PageSize as asked. Search (q, from, to, venue, cursor, limit):
/// Page is 0, PageSize the limit, and Next the cursor of the following page (null after the last). Total counts the
/// matches; a search counts at most <see cref="Ticketing.Hosting.Search.EventSearchRank.CountLimit"/> of them, and when
/// there are more TotalExact is false and Total means "at least Total".
/// </summary>
public sealed record EventListResponse(IReadOnlyList<EventSummaryResponse> Items, int Page, int PageSize, int Total, string? Next = null, bool TotalExact = true);

public sealed record SeatResponse(string Id, int Row, int Number, SeatStatus Status);

/// <summary>A cancelled event's bookings: how many there are, how many are cancelled so far, and whether that is all.</summary>
public sealed record CancellationResponse(int Bookings, int Done, bool Completed);

/// <summary>The event's waiting room: buyers are let in at admitPerMinute, each for shoppingWindowSeconds.</summary>
public sealed record WaitingRoomResponse(int AdmitPerMinute, int ShoppingWindowSeconds);
