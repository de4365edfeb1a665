namespace Ticketing.Grains.Abstractions;

/// <summary>
/// The part of a section one seat-block grain owns: whole rows of a seated section, or a shard of
/// general-admission capacity.
/// </summary>
[GenerateSerializer, Immutable, Alias("BlockDefinition")]
public sealed record BlockDefinition(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] int Index,
    [property: Id(2)] string SectionId,
    [property: Id(3)] SectionKind Kind,
    [property: Id(4)] int FirstRow,
    [property: Id(5)] int RowCount,
    [property: Id(6)] int SeatsPerRow,
    [property: Id(7)] int GeneralAdmissionCapacity)
{
    public int Capacity => Kind == SectionKind.Seated ? RowCount * SeatsPerRow : GeneralAdmissionCapacity;

    public int LastRow => FirstRow + RowCount - 1;

    public string GrainKey => SeatBlockKey.Format(EventId, Index);

    public bool ContainsRow(int row) => Kind == SectionKind.Seated && row >= FirstRow && row <= LastRow;
}

[GenerateSerializer, Immutable, Alias("SectionLayout")]
public sealed record SectionLayout(
    [property: Id(0)] SectionDefinition Section,
    [property: Id(1)] IReadOnlyList<BlockDefinition> Blocks)
{
    public BlockDefinition? BlockForRow(int row) => Blocks.FirstOrDefault(b => b.ContainsRow(row));
}

/// <summary>Everything a router needs to send a hold straight to the right seat blocks.</summary>
[GenerateSerializer, Immutable, Alias("EventLayout")]
public sealed record EventLayout(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] EventStatus Status,
    [property: Id(2)] string Currency,
    [property: Id(3)] TimeSpan HoldDuration,
    [property: Id(4)] IReadOnlyList<SectionLayout> Sections,
    [property: Id(5)] int MaxSeatsPerCustomer = EventDefinition.DefaultMaxSeatsPerCustomer,
    [property: Id(6)] string? OwnerId = null,
    [property: Id(7)] WaitingRoomDefinition? WaitingRoom = null,
    [property: Id(8)] DateTimeOffset? OnSaleAt = null)
{
    public SectionLayout? FindSection(string sectionId) =>
        Sections.FirstOrDefault(s => string.Equals(s.Section.Id, sectionId, StringComparison.OrdinalIgnoreCase));
}

public static class SeatBlockKey
{
    public static string Format(Guid eventId, int blockIndex) => $"{eventId:N}/{blockIndex}";
}

/// <summary>A seat's place inside its section.</summary>
[GenerateSerializer, Immutable, Alias("SeatPosition")]
public readonly record struct SeatPosition([property: Id(0)] int Row, [property: Id(1)] int Number)
{
    public string ToSeatId(string sectionId) => $"{sectionId}-{Row}-{Number}";
}

/// <summary>Seat ids look like <c>{section}-{row}-{number}</c>, rows and numbers counted from 1.</summary>
public static class SeatId
{
    public static bool TryParse(string? value, out string sectionId, out SeatPosition position)
    {
        sectionId = "";
        position = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var parts = value.Split('-');
        if (parts.Length != 3 || parts[0].Length == 0
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var row)
            || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, null, out var number)
            || row < 1 || number < 1)
        {
            return false;
        }

        sectionId = parts[0];
        position = new SeatPosition(row, number);
        return true;
    }
}

[GenerateSerializer, Alias("SeatStatus")]
public enum SeatStatus
{
    Free,
    Held,
    Sold,
}

[GenerateSerializer, Immutable, Alias("SeatView")]
public readonly record struct SeatView(
    [property: Id(0)] SeatPosition Position,
    [property: Id(1)] SeatStatus Status);

[GenerateSerializer, Immutable, Alias("SeatCounts")]
public readonly record struct SeatCounts(
    [property: Id(0)] int Capacity,
    [property: Id(1)] int Free,
    [property: Id(2)] int Held,
    [property: Id(3)] int Sold)
{
    public static SeatCounts operator +(SeatCounts a, SeatCounts b) =>
        new(a.Capacity + b.Capacity, a.Free + b.Free, a.Held + b.Held, a.Sold + b.Sold);
}
