namespace Ticketing.Grains.Domain;

/// <summary>
/// Group commit for one grain's state: at most one write in flight; callers that changed state meanwhile await
/// the next write, which covers all of them. Used from a single-threaded grain scheduler, so it needs no locks.
/// A caller's change is durable when its <see cref="WriteAsync"/> completes.
/// </summary>
public sealed class WriteCoalescer(Func<Task> write)
{
    private long _changes;
    private long _written;
    private Task? _inFlight;

    public async Task WriteAsync()
    {
        var mine = ++_changes;
        while (_written < mine)
        {
            if (_inFlight is { IsCompleted: false } pending)
            {
                // That write started before this change: wait for it, then see whether another must follow.
                await pending;
                continue;
            }

            _inFlight = WriteCovering(_changes);
            await _inFlight;
        }
    }

    private async Task WriteCovering(long covers)
    {
        await write();
        _written = Math.Max(_written, covers);
    }
}
