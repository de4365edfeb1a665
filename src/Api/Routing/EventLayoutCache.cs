using Microsoft.Extensions.Caching.Memory;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Routing;

/// <summary>
/// Layouts of events that are on sale, cached in the API process so that a hold costs no call to the event grain.
/// Safe to cache: a published layout never changes, and when sales stop the seat blocks refuse holds themselves.
/// </summary>
public sealed class EventLayoutCache(IGrainFactory grains, IMemoryCache cache)
{
    private static readonly TimeSpan OnSaleLifetime = TimeSpan.FromSeconds(30);

    public async Task<EventLayout?> GetAsync(Guid eventId)
    {
        if (cache.TryGetValue(eventId, out EventLayout? cached))
        {
            return cached;
        }

        var layout = await grains.GetGrain<IEventGrain>(eventId).GetLayout();
        if (layout?.Status == EventStatus.OnSale)
        {
            cache.Set(eventId, layout, OnSaleLifetime);
        }

        return layout;
    }
}
