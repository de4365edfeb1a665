namespace Ticketing.Hosting.Search;

/// <summary>
/// How a search ranks its matches: PostgreSQL's <c>ts_rank(document, query)</c> with its default weights (A 1, B 0.4,
/// C 0.2, D 0.1) and no length normalization, over the document <see cref="SearchDocument"/> describes (name A, venue B,
/// description C). One word ranks by where and how often it occurs (a name outranks a venue, which outranks a
/// description); several words by how close their occurrences are and in which fields. Equal ranks go by start time,
/// then id. PostgreSQL computes it itself; the embedded index computes it here, by the same formula, so that both order
/// matches alike.
/// </summary>
public static class EventSearchRank
{
    /// <summary>Matches are counted up to this many; past it a page says "at least" (<see cref="EventSearchPage.TotalExact"/>).</summary>
    public const int CountLimit = 1000;

    // ts_rank's weights, indexed by SearchDocument.Weight (D, C, B, A).
    private static readonly float[] Weights = [0.1f, 0.2f, 0.4f, 1.0f];

    // The sum of 1/i² over all i (π²/6): one word's rank is scaled by it, as PostgreSQL's is.
    private const double InverseSquaresSum = 1.64493406685;

    /// <summary>The rank of a document holding every one of <paramref name="words"/> (lower case, as SearchDocument splits them).</summary>
    public static float Of(SearchDocument document, IReadOnlyCollection<string> words)
    {
        // As ts_rank: each distinct word once, in byte order (the order only changes how rounding falls).
        var distinct = words.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return 0f;
        }

        var rank = distinct.Count == 1 ? OccurrenceRank(document, distinct[0]) : ProximityRank(document, distinct);
        return rank < 0 ? 1e-20f : rank;
    }

    /// <summary>
    /// One word (ts_rank's "or" rank): the weight of its best occurrence, plus each other occurrence's weight divided by
    /// the square of its ordinal, over π²/6.
    /// </summary>
    private static float OccurrenceRank(SearchDocument document, string word)
    {
        if (document.PositionsOf(word) is not { } positions)
        {
            return 0f;
        }

        var (sum, best, bestAt) = (0f, -1f, 0);
        for (var j = 0; j < positions.Count; j++)
        {
            var weight = Weights[positions[j].Weight];
            sum += weight / ((j + 1) * (j + 1));
            if (weight > best)
            {
                (best, bestAt) = (weight, j);
            }
        }

        return (float)((best + sum - best / ((bestAt + 1) * (bestAt + 1))) / InverseSquaresSum);
    }

    /// <summary>
    /// Several words (ts_rank's "and" rank): every pair of occurrences of two different words adds
    /// √(weight × weight × closeness(distance)), combined as independent chances (1 − Π(1 − each)). None: −1.
    /// </summary>
    private static float ProximityRank(SearchDocument document, List<string> words)
    {
        var rank = -1f;
        var found = new IReadOnlyList<SearchDocument.Occurrence>?[words.Count];
        for (var i = 0; i < words.Count; i++)
        {
            if ((found[i] = document.PositionsOf(words[i])) is not { } these)
            {
                continue;
            }

            for (var k = 0; k < i; k++)
            {
                if (found[k] is not { } those)
                {
                    continue;
                }

                foreach (var a in these)
                {
                    foreach (var b in those)
                    {
                        var distance = Math.Abs(a.Position - b.Position);
                        if (distance == 0)
                        {
                            continue;
                        }

                        var pair = (float)Math.Sqrt(Weights[a.Weight] * Weights[b.Weight] * Closeness(distance));
                        rank = rank < 0 ? pair : (float)(1.0 - (1.0 - rank) * (1.0 - pair));
                    }
                }
            }
        }

        return rank;
    }

    /// <summary>How much two occurrences <paramref name="distance"/> positions apart count: about 1 when adjacent, nothing past 100.</summary>
    private static float Closeness(int distance) =>
        distance > 100 ? 1e-30f : (float)(1.0 / (1.005 + 0.05 * Math.Exp((float)distance / 1.5 - 2)));
}
