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

    public async Task<IReadOnlyList<SeatView>> GetSeatsAsync(EventLayout layout, SectionLayout section)
    {
        if (layout.Status == EventStatus.Draft)
        {
            return section.Blocks
                .SelectMany(b => Enumerable.Range(b.FirstRow, b.RowCount))
                .SelectMany(row => Enumerable.Range(1, section.Section.SeatsPerRow).Select(n => new SeatView(new SeatPosition(row, n), SeatStatus.Free)))
                .ToList();
        }

        var blocks = await Task.WhenAll(section.Blocks.Select(b => Block(b).GetSeats()));
        return blocks.SelectMany(seats => seats).ToList();
    }

    public static IReadOnlyDictionary<string, SeatCounts> AllFree(IEnumerable<SectionDefinition> sections) =>
        sections.ToDictionary(s => s.Id, s => new SeatCounts(s.Capacity, s.Capacity, 0, 0));

    private ISeatBlockGrain Block(BlockDefinition block) => grains.GetGrain<ISeatBlockGrain>(block.GrainKey);
}
