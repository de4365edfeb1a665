using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.UnitTests;

public sealed class LayoutPlannerTests
{
    private static EventLayout Plan(params SectionDefinition[] sections) =>
        LayoutPlanner.Plan(Guid.NewGuid(), new EventDefinition("E", null, "V", DateTimeOffset.UnixEpoch, "EUR", TimeSpan.FromMinutes(10), sections), EventStatus.Draft);

    [Fact]
    public void A_seated_section_is_split_into_blocks_of_whole_rows()
    {
        var layout = Plan(SectionDefinition.Seated("A", "A", 45, 25, 10));

        var blocks = layout.Sections[0].Blocks;

        Assert.Equal([(1, 20), (21, 20), (41, 5)], blocks.Select(b => (b.FirstRow, b.RowCount)));
        Assert.All(blocks, b => Assert.True(b.Capacity <= LayoutPlanner.MaxSeatsPerBlock));
        Assert.Equal(45 * 25, blocks.Sum(b => b.Capacity));
        Assert.Same(blocks[1], layout.Sections[0].BlockForRow(40));
    }

    [Fact]
    public void General_admission_is_split_into_shards_that_differ_by_at_most_one()
    {
        var layout = Plan(SectionDefinition.GeneralAdmission("GA", "GA", 1001, 10));

        Assert.Equal([334, 334, 333], layout.Sections[0].Blocks.Select(b => b.Capacity));
    }

    [Fact]
    public void Block_indexes_are_unique_across_the_event()
    {
        var layout = Plan(SectionDefinition.Seated("A", "A", 30, 25, 10), SectionDefinition.GeneralAdmission("GA", "GA", 5000, 10));

        var indexes = layout.Sections.SelectMany(s => s.Blocks).Select(b => b.Index).ToList();

        Assert.Equal(Enumerable.Range(0, 12), indexes);
    }

    [Theory]
    [InlineData("A-1-1", "A", 1, 1)]
    [InlineData("VIP_2-12-30", "VIP_2", 12, 30)]
    public void Seat_ids_parse(string id, string section, int row, int number)
    {
        Assert.True(SeatId.TryParse(id, out var parsedSection, out var position));
        Assert.Equal((section, new SeatPosition(row, number)), (parsedSection, position));
    }

    [Theory]
    [InlineData("A-1")]
    [InlineData("A-0-1")]
    [InlineData("A-1-x")]
    [InlineData("-1-1")]
    [InlineData("A-+1-1")]
    public void Malformed_seat_ids_do_not_parse(string id) => Assert.False(SeatId.TryParse(id, out _, out _));
}
