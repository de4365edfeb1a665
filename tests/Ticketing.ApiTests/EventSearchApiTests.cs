using System.Net;
using System.Net.Http.Json;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.ApiTests;

/// <summary>GET /api/events as a search over the log-fed projection (embedded: in memory).</summary>
public sealed class EventSearchApiTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private readonly HttpClient _organizer = factory.CreateClient("olga@example.com", "organizer");
    private readonly HttpClient _public = factory.CreateAnonymousClient();

    /// <summary>A word no other test uses, so that a search sees this test's events only.</summary>
    private static string Tag() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static object Event(string name, string description, string venue, string startsAt) => new
    {
        name,
        description,
        venue,
        startsAt,
        currency = "EUR",
        sections = new object[] { new { id = "GA", name = "Standing", capacity = 10, price = 10m } },
    };

    private async Task<Guid> CreateAsync(object body, bool publish)
    {
        var created = await _organizer.PostAsJsonAsync("/api/events", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<EventResponse>(Api.Json))!.Id;
        if (publish)
        {
            Assert.Equal(HttpStatusCode.OK, (await _organizer.PostAsync($"/api/events/{id}/publish", null)).StatusCode);
        }

        return id;
    }

    private static async Task<List<EventSummaryResponse>> AllPagesAsync(HttpClient client, string query, int limit)
    {
        var all = new List<EventSummaryResponse>();
        string? cursor = null;
        do
        {
            var page = await client.GetAsync<EventListResponse>($"/api/events?{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.True(page.Items.Count <= limit);
            Assert.Equal(0, page.Page);
            all.AddRange(page.Items);
            cursor = page.Next;
        }
        while (cursor is not null);

        return all;
    }

    [Fact]
    public async Task Words_find_events_in_name_venue_or_description_best_first_and_drafts_only_for_their_organizer()
    {
        var tag = Tag();
        var inName = await CreateAsync(Event($"{tag} Jazz Night", "An evening of jazz", "Blue Hall", "2027-05-01T19:00:00Z"), publish: true);
        var inVenue = await CreateAsync(Event("Rock Night", "Loud", $"{tag} Arena", "2027-05-02T19:00:00Z"), publish: true);
        var inDescription = await CreateAsync(Event("Folk Night", $"Songs with {tag} friends", "Green Hall", "2027-05-03T19:00:00Z"), publish: true);
        var draft = await CreateAsync(Event($"{tag} Secret Gig", "Not yet", "Cellar", "2027-05-04T19:00:00Z"), publish: false);

        var found = await _public.GetAsync<EventListResponse>($"/api/events?q={tag}");
        Assert.Equal([inName, inVenue, inDescription], found.Items.Select(e => e.Id));
        Assert.Equal(3, found.Total);
        Assert.Null(found.Next);

        var own = await _organizer.GetAsync<EventListResponse>($"/api/events?q={tag.ToUpperInvariant()}");
        Assert.Equal([inName, draft, inVenue, inDescription], own.Items.Select(e => e.Id));
        Assert.Equal(EventStatus.Draft, own.Items[1].Status);
        var other = factory.CreateClient("oscar@example.com", "organizer");
        Assert.DoesNotContain((await other.GetAsync<EventListResponse>($"/api/events?q={tag}")).Items, e => e.Id == draft);

        // Every word must occur; a word that occurs nowhere finds nothing.
        Assert.Equal([inName], (await _public.GetAsync<EventListResponse>($"/api/events?q={tag}+jazz")).Items.Select(e => e.Id));
        Assert.Empty((await _public.GetAsync<EventListResponse>($"/api/events?q={tag}+opera")).Items);

        // A change is found at once: the draft, published, is public; a description change is searchable.
        Assert.Equal(HttpStatusCode.OK, (await _organizer.PostAsync($"/api/events/{draft}/publish", null)).StatusCode);
        Assert.Contains((await _public.GetAsync<EventListResponse>($"/api/events?q={tag}")).Items, e => e.Id == draft);
    }

    [Fact]
    public async Task Dates_and_venue_filter_and_cursor_pages_neither_skip_nor_repeat()
    {
        var tag = Tag();
        var ids = new List<Guid>();
        for (var day = 1; day <= 9; day++)
        {
            ids.Add(await CreateAsync(Event($"{tag} Show {day}", "Nightly", day % 2 == 0 ? "Even Hall" : "Odd Hall", $"2027-06-{day:00}T20:00:00Z"), publish: true));
        }

        var all = await AllPagesAsync(_public, $"q={tag}", limit: 2);
        Assert.Equal(ids, all.Select(e => e.Id));

        var june3to6 = await AllPagesAsync(_public, $"q={tag}&from=2027-06-03T00:00:00Z&to=2027-06-07T00:00:00Z", limit: 3);
        Assert.Equal(ids[2..6], june3to6.Select(e => e.Id));

        var even = await AllPagesAsync(_public, $"q={tag}&venue=even%20hall", limit: 1);
        Assert.Equal([ids[1], ids[3], ids[5], ids[7]], even.Select(e => e.Id));

        var first = await _public.GetAsync<EventListResponse>($"/api/events?q={tag}&limit=4");
        Assert.Equal((4, 9), (first.Items.Count, first.Total));
        Assert.NotNull(first.Next);
    }

    [Fact]
    public async Task The_total_says_whether_it_counts_every_match()
    {
        var tag = Tag();
        var inName = await CreateAsync(Event($"{tag} Gala", "Songs", "Hall", "2027-07-02T19:00:00Z"), publish: true);
        var inVenue = await CreateAsync(Event("Gala", "Songs", $"{tag} Hall", "2027-07-01T19:00:00Z"), publish: true);

        // Under the count limit (1000) every match is counted: totalExact is true, in the JSON as sent.
        using var json = System.Text.Json.JsonDocument.Parse(await _public.GetStringAsync($"/api/events?q={tag}"));
        Assert.Equal(2, json.RootElement.GetProperty("total").GetInt32());
        Assert.True(json.RootElement.GetProperty("totalExact").GetBoolean());
        Assert.Equal([inName.ToString(), inVenue.ToString()], json.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("q=x&page=2", "page")]
    [InlineData("cursor=nonsense", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("from=2027-06-07T00:00:00Z&to=2027-06-01T00:00:00Z", "to")]
    public async Task A_bad_search_is_a_400_naming_the_parameter(string query, string field)
    {
        var problem = await (await _public.GetAsync($"/api/events?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
