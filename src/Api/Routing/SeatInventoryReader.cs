using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Routing;

/// <summary>
/// Reads availability and seat maps from the seat blocks, in parallel. A draft's blocks are not open yet, so
/// its seats are all free by definition.
/// </summary>
public sealed class SeatInventoryReader(IGrainFactory grains)
{
    public async Task<IReadOnlyDictionary<string, SeatCounts>> GetAvailabilityAsync(EventLayout layout)
    {
        if (layout.Status == EventStatus.Draft)
        {
            return AllFree(layout.Sections.Select(s => s.Section));
        }

        var reads = layout.Sections.Select(async section =>
        {
            var counts = await Task.WhenAll(section.Blocks.Select(b => Block(b).GetCounts()));
            return (section.Section.Id, Total: counts.Aggregate(default(SeatCounts), (sum, c) => sum + c));
        });
        return (await Task.WhenAll(reads)).ToDictionary(r => r.Id, r => r.Total);
    }

    /// <summary>The seats of rows <paramref name="fromRow"/> to <paramref name="toRow"/>, asking only the blocks that own them.</summary>
    public async Task<IReadOnlyList<SeatView>> GetSeatsAsync(EventLayout layout, SectionLayout section, int fromRow, int toRow)
    {
        var blocks = section.Blocks.Where(b => b.LastRow >= fromRow && b.FirstRow <= toRow).ToList();
        if (layout.Status == EventStatus.Draft)
        {
            return Enumerable.Range(fromRow, toRow - fromRow + 1)
                .SelectMany(row => Enumerable.Range(1, section.Section.SeatsPerRow).Select(n => new SeatView(new SeatPosition(row, n), SeatStatus.Free)))
                .ToList();
        }

        var seats = await Task.WhenAll(blocks.Select(b => Block(b).GetSeats()));
        return seats.SelectMany(s => s).Where(s => s.Position.Row >= fromRow && s.Position.Row <= toRow).ToList();
    }

    public static IReadOnlyDictionary<string, SeatCounts> AllFree(IEnumerable<SectionDefinition> sections) =>
        sections.ToDictionary(s => s.Id, s => new SeatCounts(s.Capacity, s.Capacity, 0, 0));

    private ISeatBlockGrain Block(BlockDefinition block) => grains.GetGrain<ISeatBlockGrain>(block.GrainKey);
}
