namespace Ticketing.RowLockBaseline;

public sealed record SectionDefinition(string Id, string Name, SectionKind Kind, int Rows, int SeatsPerRow, int Capacity, decimal Price)
{
    public static SectionDefinition Seated(string id, string name, int rows, int seatsPerRow, decimal price) =>
        new(id, name, SectionKind.Seated, rows, seatsPerRow, rows * seatsPerRow, price);

    // General admission is stored as one row per place (row 0, number 1..capacity): see README.
    public static SectionDefinition GeneralAdmission(string id, string name, int capacity, decimal price) =>
        new(id, name, SectionKind.GeneralAdmission, 0, 0, capacity, price);
}

/// <summary>What an event is; fixed once created, so the service caches it (its status lives only in the database).</summary>
public sealed record EventDefinition(
    Guid Id,
    string Name,
    string? Description,
    string Venue,
    DateTimeOffset StartsAt,
    string Currency,
    int HoldSeconds,
    DateTimeOffset CreatedAt,
    IReadOnlyList<SectionDefinition> Sections)
{
    public SectionDefinition? FindSection(string id) =>
        Sections.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One seat (or general-admission place: row 0) of a section.</summary>
public readonly record struct SeatKey(string Section, int Row, int Number)
{
    public override string ToString() => $"{Section}-{Row}-{Number}";

    /// <summary>Seat ids look like <c>{section}-{row}-{number}</c>, rows and numbers counted from 1.</summary>
    public static bool TryParse(string? value, out SeatKey seat)
    {
        seat = default;
        var parts = value?.Split('-');
        if (parts is not { Length: 3 } || parts[0].Length == 0
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var row)
            || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, null, out var number)
            || row < 1 || number < 1)
        {
            return false;
        }

        seat = new SeatKey(parts[0], row, number);
        return true;
    }
}

/// <summary>A hold request resolved against the event: specific seats, or a quantity from one section.</summary>
public sealed record HoldRequest(string Email, SectionDefinition? BestAvailableSection, int Quantity, IReadOnlyList<SeatKey> Seats, decimal Total)
{
    /// <summary>The booking's section: the one asked for, or the one all picked seats share.</summary>
    public string? Section => BestAvailableSection?.Id
        ?? (Seats.Select(s => s.Section).Distinct().Count() == 1 ? Seats[0].Section : null);
}
