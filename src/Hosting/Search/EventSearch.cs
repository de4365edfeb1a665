using System.Globalization;
using System.Text;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Search;

/// <summary>
/// A search of the event catalogue. With <see cref="Words"/>, matches contain every word (in the name, venue or
/// description) and come best first (<see cref="EventSearchRank"/>: PostgreSQL's ts_rank), then soonest; without, soonest first. <see cref="From"/> is inclusive, <see cref="To"/>
/// exclusive, on the start time. A viewer sees published events, its own drafts, and every draft if an admin.
/// </summary>
public sealed record EventSearchQuery(
    string? Words,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Venue,
    string? ViewerId,
    bool SeesAllDrafts,
    SearchCursor? After,
    int Limit);

public sealed record EventSearchHit(EventSummary Event, float Rank);

/// <summary>
/// One page, the count of matches, and the cursor of the next page (null after the last). Matches are counted up to
/// <see cref="EventSearchRank.CountLimit"/>: past it <see cref="Total"/> is that limit and <see cref="TotalExact"/>
/// false ("at least Total"), so that a broad search does not visit every match to count it.
/// </summary>
public sealed record EventSearchPage(IReadOnlyList<EventSearchHit> Items, int Total, SearchCursor? Next, bool TotalExact = true);

/// <summary>Where a page of search results ended: the last hit's sort key.</summary>
public sealed record SearchCursor(float Rank, DateTimeOffset StartsAt, Guid EventId)
{
    public static SearchCursor After(EventSearchHit hit) => new(hit.Rank, hit.Event.StartsAt, hit.Event.Id);

    public string Encode() => Convert.ToBase64String(Encoding.ASCII.GetBytes(
            $"s1|{Rank.ToString("R", CultureInfo.InvariantCulture)}|{StartsAt.UtcTicks}|{EventId:N}"))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string text, out SearchCursor? cursor)
    {
        cursor = null;
        try
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            if (Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split('|') is ["s1", var r, var t, var i]
                && float.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var rank) && float.IsFinite(rank)
                && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(i, "N", out var id))
            {
                cursor = new SearchCursor(rank, new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}

/// <summary>
/// The event catalogue as the log built it (a projection of event.* integration events): searched by the API,
/// written only by <see cref="EventSearchProjection"/>, which keeps its log cursor with it.
/// </summary>
public interface IEventSearchIndex
{
    Task<LogCursor> GetCursorAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies the event.* events among <paramref name="events"/> (a newer sequence wins) and moves the cursor past them all.</summary>
    Task ApplyAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default);

    Task<EventSearchPage> SearchAsync(EventSearchQuery query, CancellationToken cancellationToken = default);

    /// <summary>The old page-numbered listing: visible events in the order they were created.</summary>
    Task<EventPage> ListAsync(string? viewerId, bool seesAllDrafts, int skip, int take, CancellationToken cancellationToken = default);
}
