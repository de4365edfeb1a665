using Ticketing.Hosting.Search;

namespace Ticketing.UnitTests.Search;

/// <summary>
/// The embedded index's ts_rank against what PostgreSQL 15 gives for the same text (the values below come from
/// <c>ts_rank(setweight(to_tsvector('simple', name), 'A') || setweight(..venue.., 'B') || setweight(..description.., 'C'), websearch_to_tsquery('simple', words))</c>);
/// EventSearchRankParityTests in PostgresTests compares the two over many generated texts.
/// </summary>
public sealed class EventSearchRankTests
{
    [Theory]
    [InlineData("Zephyr Night", "Zephyr Dome", "Zephyr songs", "zephyr", 0.6822294f)]
    [InlineData("Spring Gala", "Hall", "A zephyr from the sea", "zephyr", 0.12158542f)]
    [InlineData("Crowd Night 51", "Hall", "A crowd of friends", "crowd", 0.6383234f)]
    [InlineData("Zephyr Gala", "Hall", "Quiet", "zephyr gala", 0.9910322f)]
    [InlineData("Spring Gala", "Zephyr Dome", "Quiet", "zephyr gala", 0.6267838f)]
    [InlineData("Night 52", "Hall", "A crowd of friends", "crowd night", 0.4259396f)]
    public void Ranks_as_postgresql_ts_rank(string name, string venue, string description, string words, float expected) =>
        Assert.Equal(expected, EventSearchRank.Of(SearchDocument.Of(name, venue, description), SearchDocument.Words(words)));

    [Fact]
    public void One_word_ranks_by_field_then_by_occurrences()
    {
        float Rank(string name, string venue, string description) => EventSearchRank.Of(SearchDocument.Of(name, venue, description), ["jazz"]);

        var inName = Rank("Jazz Night", "Hall", "Live");
        var inVenue = Rank("Night", "Jazz Cellar", "Live");
        var inDescription = Rank("Night", "Hall", "Live jazz");
        var twiceInDescription = Rank("Night", "Hall", "Live jazz, more jazz");
        Assert.True(inName > inVenue && inVenue > twiceInDescription && twiceInDescription > inDescription,
            $"{inName} > {inVenue} > {twiceInDescription} > {inDescription}");
    }

    [Fact]
    public void Several_words_rank_by_how_close_they_are_and_a_missing_pair_ranks_least()
    {
        float Rank(string description) => EventSearchRank.Of(SearchDocument.Of("Night", "Hall", description), ["blue", "moon"]);

        Assert.True(Rank("blue moon") > Rank("blue and the moon"));
        Assert.True(Rank("blue and the moon") > 1e-20f);
        // Past 100 positions apart a pair counts (almost) nothing.
        Assert.True(Rank("blue " + string.Concat(Enumerable.Repeat("la ", 150)) + "moon") < 1e-14f);
        Assert.Equal(0f, EventSearchRank.Of(SearchDocument.Of("Night", "Hall", "x"), []));
    }

    [Fact]
    public void Positions_run_on_across_fields_and_words_are_runs_of_letters_and_digits()
    {
        var document = SearchDocument.Of("Rock'n'Roll 2027", "", "The BAND");
        Assert.Equal(["rock", "n", "roll", "2027"], SearchDocument.Words("Rock'n'Roll 2027"));
        Assert.Equal([new SearchDocument.Occurrence(5, SearchDocument.WeightC)], document.PositionsOf("the"));
        Assert.Equal([new SearchDocument.Occurrence(1, SearchDocument.WeightA)], document.PositionsOf("rock"));
        Assert.Null(document.PositionsOf("rock'n'roll"));
    }
}
