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
    [property: Id(6)] IReadOnlyList<SectionDefinition> Sections);

[GenerateSerializer, Immutable, Alias("EventDetails")]
public sealed record EventDetails(
    [property: Id(0)] Guid Id,
    [property: Id(1)] EventDefinition Definition,
    [property: Id(2)] EventStatus Status,
    [property: Id(3)] DateTimeOffset CreatedAt);

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
    [property: Id(5)] DateTimeOffset CreatedAt);
