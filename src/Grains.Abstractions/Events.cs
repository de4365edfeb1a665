namespace Ticketing.Grains.Abstractions;

[GenerateSerializer, Alias("EventStatus")]
public enum EventStatus
{
    Draft,
    OnSale,
    SalesClosed,
    Cancelled,
}

[GenerateSerializer, Alias("SectionKind")]
public enum SectionKind
{
    Seated,
    GeneralAdmission,
}

/// <summary>A section as the organizer describes it: seated (rows × seats per row) or general admission (capacity).</summary>
[GenerateSerializer, Immutable, Alias("SectionDefinition")]
public sealed record SectionDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] SectionKind Kind,
    [property: Id(3)] int Rows,
    [property: Id(4)] int SeatsPerRow,
    [property: Id(5)] int GeneralAdmissionCapacity,
    [property: Id(6)] decimal Price)
{
    public int Capacity => Kind == SectionKind.Seated ? Rows * SeatsPerRow : GeneralAdmissionCapacity;

    public static SectionDefinition Seated(string id, string name, int rows, int seatsPerRow, decimal price) =>
        new(id, name, SectionKind.Seated, rows, seatsPerRow, 0, price);

    public static SectionDefinition GeneralAdmission(string id, string name, int capacity, decimal price) =>
        new(id, name, SectionKind.GeneralAdmission, 0, 0, capacity, price);
}

[GenerateSerializer, Immutable, Alias("EventDefinition")]
public sealed record EventDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string Venue,
    [property: Id(3)] DateTimeOffset StartsAt,
    [property: Id(4)] string Currency,
    [property: Id(5)] TimeSpan HoldDuration,
    [property: Id(6)] IReadOnlyList<SectionDefinition> Sections,
    [property: Id(7)] int MaxSeatsPerCustomer = EventDefinition.DefaultMaxSeatsPerCustomer,
    [property: Id(8)] WaitingRoomDefinition? WaitingRoom = null,
    [property: Id(9)] DateTimeOffset? OnSaleAt = null)
{
    /// <summary>Seats one customer may hold and buy in an event unless its organizer says otherwise.</summary>
    public const int DefaultMaxSeatsPerCustomer = 10;
}

[GenerateSerializer, Immutable, Alias("EventDetails")]
public sealed record EventDetails(
    [property: Id(0)] Guid Id,
    [property: Id(1)] EventDefinition Definition,
    [property: Id(2)] EventStatus Status,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string? OwnerId = null,
    [property: Id(5)] EventCancellation? Cancellation = null);

/// <summary>
/// How far the cancellation of an event's bookings has come: it runs in the background, a batch at a time, so that
/// cancelling a big event never holds a request open.
/// </summary>
[GenerateSerializer, Immutable, Alias("EventCancellation")]
public sealed record EventCancellation(
    [property: Id(0)] int Bookings,
    [property: Id(1)] int Done,
    [property: Id(2)] bool Completed);

/// <summary>Why an event command was refused.</summary>
[GenerateSerializer, Alias("EventCommandError")]
public enum EventCommandError
{
    None,
    NotFound,
    InvalidTransition,
}

[GenerateSerializer, Immutable, Alias("EventCommandResult")]
public sealed record EventCommandResult(
    [property: Id(0)] EventDetails? Event,
    [property: Id(1)] EventCommandError Error,
    [property: Id(2)] string? Message)
{
    public static EventCommandResult Ok(EventDetails details) => new(details, EventCommandError.None, null);
    public static EventCommandResult Fail(EventCommandError error, string message) => new(null, error, message);
}

[GenerateSerializer, Immutable, Alias("EventSummary")]
public sealed record EventSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Venue,
    [property: Id(3)] DateTimeOffset StartsAt,
    [property: Id(4)] EventStatus Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string? OwnerId = null);

/// <summary>One page of the events a viewer may see, and how many there are in all.</summary>
[GenerateSerializer, Immutable, Alias("EventPage")]
public sealed record EventPage([property: Id(0)] IReadOnlyList<EventSummary> Items, [property: Id(1)] int Total);
