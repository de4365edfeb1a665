using System.Globalization;

namespace Ticketing.Hosting.Search;

/// <summary>
/// An event's searchable text as PostgreSQL's <c>document</c> column holds it (migration 008): the words of the name
/// (weight A), then the venue (B), then the description (C), each lower-cased word with its positions, counted on across
/// the three fields as tsvector concatenation does. Words are runs of letters and digits, which is what the 'simple'
/// configuration makes of plain text (it differs for hyphenated words, e-mail addresses and URLs, which it also keeps whole).
/// </summary>
public sealed class SearchDocument
{
    /// <summary>Weights as ts_rank numbers them.</summary>
    public const int WeightA = 3, WeightB = 2, WeightC = 1;

    // tsvector's limits: positions stop at 16,383 and a word keeps its first 256.
    private const int LastPosition = 16383, PositionsPerWord = 256;

    private readonly Dictionary<string, List<Occurrence>> _words = new(StringComparer.Ordinal);

    public readonly record struct Occurrence(int Position, int Weight);

    private SearchDocument()
    {
    }

    public static SearchDocument Of(string name, string venue, string? description)
    {
        var document = new SearchDocument();
        var offset = 0;
        foreach (var (text, weight) in new[] { (name, WeightA), (venue, WeightB), (description, WeightC) })
        {
            var last = 0;
            foreach (var (word, position) in Words(text).Select((w, i) => (w, Math.Min(offset + i + 1, LastPosition))))
            {
                if (!document._words.TryGetValue(word, out var occurrences))
                {
                    document._words[word] = occurrences = [];
                }

                if (occurrences.Count < PositionsPerWord)
                {
                    occurrences.Add(new Occurrence(position, weight));
                }

                last = position;
            }

            // The next field's positions follow this one's last (none if it had no words).
            offset = Math.Max(offset, last);
        }

        return document;
    }

    public bool Contains(string word) => _words.ContainsKey(word);

    /// <summary>Where <paramref name="word"/> occurs, in ascending position; null if nowhere.</summary>
    public IReadOnlyList<Occurrence>? PositionsOf(string word) => _words.GetValueOrDefault(word);

    /// <summary>The lower-cased words of <paramref name="text"/> in order: runs of letters and digits.</summary>
    public static List<string> Words(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return words;
        }

        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                words.Add(text[start..i].ToLower(CultureInfo.InvariantCulture));
                start = -1;
            }
        }

        return words;
    }
}
