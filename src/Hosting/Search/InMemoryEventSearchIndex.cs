using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Hosting.Search;

/// <summary>
/// The embedded default's event search: the projection in this process's memory (rebuilt from the in-memory log,
/// so lost with it on restart). Words match whole words, case-insensitively, and rank as on PostgreSQL
/// (<see cref="EventSearchRank"/>: ts_rank by the same formula); matches are counted up to
/// <see cref="EventSearchRank.CountLimit"/>, as there.
/// </summary>
public sealed class InMemoryEventSearchIndex : IEventSearchIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Entry> _events = [];
    private LogCursor _cursor = LogCursor.Start;

    private sealed record Entry(EventSummary Summary, long Sequence, long Listed, SearchDocument Document);

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
                if (!IntegrationEventTypes.IsCatalog(logged.Event.Type) || IntegrationEventPayloads.ReadEvent(logged.Event.Payload) is not { } e)
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
                    SearchDocument.Of(e.Name, e.Venue, e.Description));
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
        var words = SearchDocument.Words(query.Words);
        lock (_lock)
        {
            var matches = _events.Values
                .Where(e => IsVisible(e.Summary, query.ViewerId, query.SeesAllDrafts))
                .Where(e => query.From is not { } from || e.Summary.StartsAt >= from)
                .Where(e => query.To is not { } to || e.Summary.StartsAt < to)
                .Where(e => query.Venue is not { } venue || string.Equals(e.Summary.Venue, venue, StringComparison.OrdinalIgnoreCase))
                .Where(e => words.All(e.Document.Contains))
                .Select(e => new EventSearchHit(e.Summary, EventSearchRank.Of(e.Document, words)))
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
}
