using Microsoft.Extensions.Caching.Memory;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Security;

/// <summary>
/// Who is an event's staff, kept for a few seconds per API process, so that a scan asks no per-event grain. A
/// subject not in the kept list is looked up again at once (a staff member just assigned may scan straight away);
/// a removal would take up to <see cref="Lifetime"/> to be seen.
/// </summary>
public sealed class EventStaffCache(IMemoryCache cache, IGrainFactory grains, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private sealed record Entry(bool Exists, string? OwnerId, HashSet<string> Staff, DateTimeOffset LoadedAt);

    /// <summary>Null when the event does not exist; otherwise whether <paramref name="subject"/> is its staff.</summary>
    public async Task<bool?> IsStaffAsync(Guid eventId, string? subject)
    {
        var entry = await GetAsync(eventId, refresh: false);
        if (entry.Exists && subject is not null && !entry.Staff.Contains(subject))
        {
            entry = await GetAsync(eventId, refresh: true);
        }

        return entry.Exists ? subject is not null && entry.Staff.Contains(subject) : null;
    }

    /// <summary>Forgets the event's staff after a change made through this process.</summary>
    public void Invalidate(Guid eventId) => cache.Remove(Key(eventId));

    private async Task<Entry> GetAsync(Guid eventId, bool refresh)
    {
        if (!refresh && cache.TryGetValue(Key(eventId), out Entry? kept) && kept is not null && clock.GetUtcNow() - kept.LoadedAt < Lifetime)
        {
            return kept;
        }

        var grain = grains.GetGrain<IEventGrain>(eventId);
        var details = await grain.GetDetails();
        var entry = details is null
            ? new Entry(false, null, [], clock.GetUtcNow())
            : new Entry(true, details.OwnerId, [.. await grain.GetStaff()], clock.GetUtcNow());
        cache.Set(Key(eventId), entry, Lifetime);
        return entry;
    }

    private static string Key(Guid eventId) => $"event-staff:{eventId:N}";
}
