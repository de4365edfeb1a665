using Npgsql;
using Ticketing.Hosting.Search;

namespace Ticketing.PostgresTests;

/// <summary>
/// The embedded index ranks as PostgreSQL does: EventSearchRank (the C# ts_rank) against PostgreSQL's ts_rank on the
/// search document (migration 008's expression), over generated events and queries of one to three of their words.
/// </summary>
public sealed class EventSearchRankParityTests
{
    private static readonly string[] Vocabulary =
        ["jazz", "night", "blue", "moon", "live", "hall", "big", "band", "late", "show", "grand", "opera", "2027", "x9"];

    [PostgresFact]
    public async Task Every_generated_rank_equals_postgresql_ts_rank()
    {
        var random = new Random(15);
        string Text(int most) => string.Join(random.Next(3) == 0 ? ", " : " ", Enumerable.Range(0, random.Next(1, most)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
        var cases = new List<(string Name, string Venue, string Description, string Words)>();
        for (var i = 0; i < 400; i++)
        {
            var (name, venue, description) = (Text(5), Text(3), i % 7 == 0 ? "" : Text(40));
            var present = SearchDocument.Words($"{name} {venue} {description}").Distinct().ToList();
            cases.Add((name, venue, description, string.Join(' ', Enumerable.Range(0, 1 + i % 3).Select(_ => present[random.Next(present.Count)]))));
        }

        await using var connection = new NpgsqlConnection(Postgres.RequireServer());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT ts_rank(setweight(to_tsvector('simple', n), 'A') || setweight(to_tsvector('simple', v), 'B') || setweight(to_tsvector('simple', d), 'C'), " +
            "websearch_to_tsquery('simple', w)) FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS c(n, v, d, w, i) ORDER BY i", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.Venue).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.Description).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.Words).ToArray() });
        var postgres = new List<float>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                postgres.Add(reader.GetFloat(0));
            }
        }

        var mismatches = cases.Zip(postgres, (c, expected) => (c, expected, actual: EventSearchRank.Of(SearchDocument.Of(c.Name, c.Venue, c.Description), SearchDocument.Words(c.Words))))
            .Where(r => r.expected != r.actual).Select(r => $"{r.c}: PostgreSQL {r.expected:R}, here {r.actual:R}").ToList();
        Assert.Equal(400, postgres.Count);
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(10)));
    }
}
