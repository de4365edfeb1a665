using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

/// <summary>
/// Splits each section into seat blocks: whole rows of a seated section, or equal shards of a general-admission
/// capacity, each at most <see cref="MaxSeatsPerBlock"/> seats. A block is one grain, so this size trades
/// parallelism (more blocks) against the cost of one hold (fewer, larger blocks).
/// </summary>
public static class LayoutPlanner
{
    public const int MaxSeatsPerBlock = 500;

    public static EventLayout Plan(Guid eventId, EventDefinition definition, EventStatus status)
    {
        var sections = new List<SectionLayout>(definition.Sections.Count);
        var nextIndex = 0;
        foreach (var section in definition.Sections)
        {
            var blocks = section.Kind == SectionKind.Seated
                ? PlanSeated(eventId, section, ref nextIndex)
                : PlanGeneralAdmission(eventId, section, ref nextIndex);
            sections.Add(new SectionLayout(section, blocks));
        }

        return new EventLayout(eventId, status, definition.Currency, definition.HoldDuration, sections);
    }

    private static List<BlockDefinition> PlanSeated(Guid eventId, SectionDefinition section, ref int nextIndex)
    {
        var rowsPerBlock = Math.Max(1, MaxSeatsPerBlock / section.SeatsPerRow);
        var blocks = new List<BlockDefinition>();
        for (var firstRow = 1; firstRow <= section.Rows; firstRow += rowsPerBlock)
        {
            var rowCount = Math.Min(rowsPerBlock, section.Rows - firstRow + 1);
            blocks.Add(new BlockDefinition(eventId, nextIndex++, section.Id, SectionKind.Seated, firstRow, rowCount, section.SeatsPerRow, 0));
        }

        return blocks;
    }

    private static List<BlockDefinition> PlanGeneralAdmission(Guid eventId, SectionDefinition section, ref int nextIndex)
    {
        var shardCount = (section.GeneralAdmissionCapacity + MaxSeatsPerBlock - 1) / MaxSeatsPerBlock;
        var blocks = new List<BlockDefinition>(shardCount);
        for (var shard = 0; shard < shardCount; shard++)
        {
            // Spread the remainder over the first shards so shard sizes differ by at most one.
            var size = section.GeneralAdmissionCapacity / shardCount + (shard < section.GeneralAdmissionCapacity % shardCount ? 1 : 0);
            blocks.Add(new BlockDefinition(eventId, nextIndex++, section.Id, SectionKind.GeneralAdmission, 0, 0, 0, size));
        }

        return blocks;
    }
}
