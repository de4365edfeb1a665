using System.Collections.Concurrent;

namespace Ticketing.RowLockBaseline;

/// <summary>Event definitions never change once created (no layout edits here), so each is read from the database once.</summary>
public sealed class EventCatalog(SeatInventory inventory)
{
    private readonly ConcurrentDictionary<Guid, EventDefinition> _definitions = new();

    public void Remember(EventDefinition definition) => _definitions[definition.Id] = definition;

    public async ValueTask<EventDefinition?> GetAsync(Guid eventId)
    {
        if (_definitions.TryGetValue(eventId, out var cached))
        {
            return cached;
        }

        var definition = await inventory.GetDefinitionAsync(eventId);
        if (definition is not null)
        {
            _definitions[eventId] = definition;
        }

        return definition;
    }
}
