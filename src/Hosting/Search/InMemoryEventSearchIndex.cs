using System.Globalization;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Hosting.Search;

/// <summary>
/// The embedded default's event search: the projection in this process's memory (rebuilt from the in-memory log,
/// so lost with it on restart). Words match whole words, case-insensitively, and rank as on PostgreSQL
/// (<see cref="EventSearchRank"/>: by the fields that hold every word); matches are counted up to
/// <see cref="EventSearchRank.CountLimit"/>, as there.
/// </summary>
public sealed class InMemoryEventSearchIndex : IEventSearchIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Entry> _events = [];
    private LogCursor _cursor = LogCursor.Start;

    private sealed record Entry(EventSummary Summary, long Sequence, long Listed, HashSet<string> Name, HashSet<string> Venue, HashSet<string> Description);

    public Task<LogCursor> GetCursorAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_cursor);
        }
    }

    public Task ApplyAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var logged in events)
            {
                if (!logged.Event.Type.StartsWith("event.", StringComparison.Ordinal) || IntegrationEventPayloads.ReadEvent(logged.Event.Payload) is not { } e)
                {
                    continue;
                }

                _events.TryGetValue(e.EventId, out var existing);
                if (existing is not null && existing.Sequence >= logged.Event.Sequence)
                {
                    continue;
                }

                var summary = new EventSummary(e.EventId, e.Name, e.Venue, e.StartsAt, Enum.Parse<EventStatus>(e.Status), e.CreatedAt, e.OwnerId);
                _events[e.EventId] = new Entry(summary, logged.Event.Sequence, existing?.Listed ?? logged.Cursor.Position,
                    Words(e.Name), Words(e.Venue), Words(e.Description));
            }

            if (events.Count > 0)
            {
                _cursor = events[^1].Cursor;
            }
        }

        return Task.CompletedTask;
    }

    public Task<EventSearchPage> SearchAsync(EventSearchQuery query, CancellationToken cancellationToken = default)
    {
        var words = Words(query.Words);
        lock (_lock)
        {
            var matches = _events.Values
                .Where(e => IsVisible(e.Summary, query.ViewerId, query.SeesAllDrafts))
                .Where(e => query.From is not { } from || e.Summary.StartsAt >= from)
                .Where(e => query.To is not { } to || e.Summary.StartsAt < to)
                .Where(e => query.Venue is not { } venue || string.Equals(e.Summary.Venue, venue, StringComparison.OrdinalIgnoreCase))
                .Where(e => words.All(w => e.Name.Contains(w) || e.Venue.Contains(w) || e.Description.Contains(w)))
                .Select(e => new EventSearchHit(e.Summary, words.Count == 0 ? EventSearchRank.Of(false, false, false)
                    : EventSearchRank.Of(e.Name.IsSupersetOf(words), e.Venue.IsSupersetOf(words), e.Description.IsSupersetOf(words))))
                .OrderByDescending(h => h.Rank).ThenBy(h => h.Event.StartsAt).ThenBy(h => h.Event.Id)
                .ToList();
            var page = matches.Where(h => query.After is not { } c || IsAfter(h, c)).Take(query.Limit + 1).ToList();
            var more = page.Count > query.Limit;
            page = page.Take(query.Limit).ToList();
            return Task.FromResult(new EventSearchPage(page, Math.Min(matches.Count, EventSearchRank.CountLimit), more ? SearchCursor.After(page[^1]) : null,
                matches.Count <= EventSearchRank.CountLimit));
        }
    }

    public Task<EventPage> ListAsync(string? viewerId, bool seesAllDrafts, int skip, int take, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var visible = _events.Values.Where(e => IsVisible(e.Summary, viewerId, seesAllDrafts)).OrderBy(e => e.Listed).Select(e => e.Summary).ToList();
            return Task.FromResult(new EventPage(visible.Skip(skip).Take(take).ToList(), visible.Count));
        }
    }

    private static bool IsAfter(EventSearchHit hit, SearchCursor cursor) =>
        hit.Rank < cursor.Rank
        || (hit.Rank == cursor.Rank && (hit.Event.StartsAt > cursor.StartsAt || (hit.Event.StartsAt == cursor.StartsAt && hit.Event.Id.CompareTo(cursor.EventId) > 0)));

    private static bool IsVisible(EventSummary e, string? viewerId, bool seesAllDrafts) =>
        e.Status != EventStatus.Draft || seesAllDrafts || (viewerId is not null && e.OwnerId == viewerId);

    private static HashSet<string> Words(string? text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
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
