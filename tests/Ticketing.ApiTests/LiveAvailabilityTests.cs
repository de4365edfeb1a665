using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ticketing.Api.Security;

namespace Ticketing.ApiTests;

/// <summary>The availability stream through real HTTP: holds arrive as changes, and Last-Event-ID resumes.</summary>
public sealed class LiveAvailabilityTests(RealTimeApiFactory factory) : IClassFixture<RealTimeApiFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_hold_shows_up_on_the_stream_and_Last_Event_ID_resumes_after_it()
    {
        var organizer = factory.CreateClient("org", Roles.Organizer);
        var ev = await organizer.CreatePublishedEventAsync();
        var alice = factory.CreateClient("alice", Roles.Customer);

        await using var first = await SseReader.OpenAsync(factory.CreateAnonymousClient(), $"/api/events/{ev.Id}/availability/stream");
        var snapshot = await first.NextAsync(e => e.Event == "snapshot");
        Assert.Equal(500, snapshot.Data.GetProperty("sections").GetProperty("A").GetProperty("free").GetInt32());
        Assert.Equal(5000, snapshot.Data.GetProperty("sections").GetProperty("GA").GetProperty("free").GetInt32());

        await alice.BookOkAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-1-1", "A-1-2" } });
        var held = await first.NextAsync(e => e.Event == "changes");
        Assert.Equal("Held", held.Data.GetProperty("seats").GetProperty("A-1-1").GetString());
        Assert.Equal("Held", held.Data.GetProperty("seats").GetProperty("A-1-2").GetString());
        var counts = held.Data.GetProperty("sections").GetProperty("A");
        Assert.Equal((498, 2, 0), (counts.GetProperty("free").GetInt32(), counts.GetProperty("held").GetInt32(), counts.GetProperty("sold").GetInt32()));
        Assert.NotNull(held.Id);

        // A release while nobody listens on the second connection: resuming after the hold replays it, not a snapshot.
        var booking = await alice.BookOkAsync(ev.Id, new { email = "a@example.com", seats = new[] { "A-2-5" } });
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/bookings/{booking.Id}")).StatusCode);
        var later = await first.NextAsync(e => e.Event == "changes" && e.Data.GetProperty("seats").TryGetProperty("A-2-5", out var s) && s.GetString() == "Free");

        await using var resumed = await SseReader.OpenAsync(factory.CreateAnonymousClient(), $"/api/events/{ev.Id}/availability/stream", held.Id);
        var replayed = await resumed.NextAsync(e => e.Event != "heartbeat");
        Assert.Equal("changes", replayed.Event);
        Assert.NotEqual(held.Id, replayed.Id);
        var seen = new List<SseEvent> { replayed };
        while (seen[^1].Id != later.Id)
        {
            seen.Add(await resumed.NextAsync(e => e.Event != "heartbeat"));
        }

        Assert.All(seen, e => Assert.Equal("changes", e.Event));
        Assert.Contains(seen, e => e.Data.GetProperty("seats").TryGetProperty("A-2-5", out _));

        // An id this host does not know (another host's, or too old): a fresh snapshot.
        await using var unknown = await SseReader.OpenAsync(factory.CreateAnonymousClient(), $"/api/events/{ev.Id}/availability/stream", "00000000-7");
        var fresh = await unknown.NextAsync(e => e.Event != "heartbeat");
        Assert.Equal("snapshot", fresh.Event);
        Assert.Equal(2, fresh.Data.GetProperty("sections").GetProperty("A").GetProperty("held").GetInt32());
    }

    [Fact]
    public async Task An_unknown_event_has_no_stream()
    {
        var response = await factory.CreateAnonymousClient().GetAsync($"/api/events/{Guid.NewGuid()}/availability/stream");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private sealed record SseEvent(string? Id, string Event, JsonElement Data);

    /// <summary>Reads text/event-stream messages off an open response.</summary>
    private sealed class SseReader : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;

        private SseReader(HttpResponseMessage response, Stream body) => (_response, _reader) = (response, new StreamReader(body));

        public static async Task<SseReader> OpenAsync(HttpClient client, string url, string? lastEventId = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new SseReader(response, await response.Content.ReadAsStreamAsync());
        }

        public async Task<SseEvent> NextAsync(Func<SseEvent, bool> wanted)
        {
            using var deadline = new CancellationTokenSource(Patience);
            while (true)
            {
                var next = await ReadOneAsync(deadline.Token);
                if (wanted(next))
                {
                    return next;
                }
            }
        }

        private async Task<SseEvent> ReadOneAsync(CancellationToken cancellationToken)
        {
            string? id = null, name = null, data = null;
            while (true)
            {
                var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended.");
                if (line.Length == 0)
                {
                    if (data is not null)
                    {
                        return new SseEvent(id, name ?? "message", JsonDocument.Parse(data).RootElement.Clone());
                    }

                    continue;
                }

                var colon = line.IndexOf(':');
                var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
                switch (field)
                {
                    case "id": id = value; break;
                    case "event": name = value; break;
                    case "data": data = data is null ? value : data + "\n" + value; break;
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
