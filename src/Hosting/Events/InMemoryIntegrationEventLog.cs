using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Events;

/// <summary>
/// The embedded default's event log: in this process's memory, lost on restart (not durable), for one silo.
/// Positions count from 1 in append order; an id appended before is skipped.
/// </summary>
public sealed class InMemoryIntegrationEventLog : IIntegrationEventLog
{
    private readonly Lock _lock = new();
    private readonly List<IntegrationEvent> _events = [];
    private readonly HashSet<Guid> _ids = [];

    public Task AppendAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (_ids.Add(e.Id))
                {
                    _events.Add(e);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<LogCursor> GetEndAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(new LogCursor(0, _events.Count));
        }
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(LogCursor after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_lock)
        {
            var start = (int)Math.Min(after.Position, _events.Count);
            return Task.FromResult<IReadOnlyList<LoggedEvent>>(_events
                .Skip(start)
                .Take(limit)
                .Select((e, i) => new LoggedEvent(e, new LogCursor(0, start + i + 1)))
                .ToList());
        }
    }
}
