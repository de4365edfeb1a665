using System.Security.Cryptography;
using Orleans.Concurrency;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Grains;

[GenerateSerializer, Alias("QueueShardState")]
public sealed class QueueShardState
{
    [Id(0)] public long Early { get; set; }

    [Id(1)] public long Late { get; set; }

    [Id(2)] public bool Frozen { get; set; }
}

/// <summary>
/// Hands out the queue numbers of one of an event's <see cref="WaitingRoomLine.Shards"/> shards: two counters, so a
/// join costs one small write wherever the line is long.
/// </summary>
public sealed class QueueShardGrain(
    [PersistentState("queueShard", ProviderNames.GrainState)] IPersistentState<QueueShardState> state,
    TimeProvider clock) : Grain, IQueueShardGrain
{
    private int Shard => int.Parse(this.GetPrimaryKeyString().AsSpan(this.GetPrimaryKeyString().IndexOf('/') + 1));

    public async Task<QueueNumber> Take(DateTimeOffset onSaleAt)
    {
        var early = !state.State.Frozen && clock.GetUtcNow() < onSaleAt;
        var sequence = early ? state.State.Early++ : state.State.Late++;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return new QueueNumber(Shard, sequence, early);
    }

    public async Task<QueueShardCounts> Freeze()
    {
        if (!state.State.Frozen)
        {
            state.State.Frozen = true;
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        return Counts();
    }

    public Task<QueueShardCounts> GetCounts() => Task.FromResult(Counts());

    private QueueShardCounts Counts() => new(state.State.Early, state.State.Late, state.State.Frozen);
}

/// <summary>
/// One event's waiting room. Holds no list of buyers: at the opening it freezes the shards' early counts and draws a
/// seed for their order; then, stepped every second while it is active (and on every read), it moves "now serving"
/// at the event's admission rate up to the end of the line.
/// </summary>
public sealed class WaitingRoomGrain(
    [PersistentState("waitingRoom", ProviderNames.GrainState)] IPersistentState<WaitingRoomState> state,
    TimeProvider clock) : Grain, IWaitingRoomGrain
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    private EventLayout? _event;
    private IGrainTimer? _timer;

    public async Task<WaitingRoomSnapshot?> GetSnapshot()
    {
        if (_event is not { Status: EventStatus.OnSale })
        {
            _event = await GrainFactory.GetGrain<IEventGrain>(this.GetPrimaryKey()).GetLayout();
        }

        if (_event?.WaitingRoom is not { } room)
        {
            return null;
        }

        _timer ??= this.RegisterGrainTimer(_ => AdvanceAsync(), new GrainTimerCreationOptions { DueTime = Step, Period = Step, KeepAlive = true });
        await AdvanceAsync();
        return state.State.ToSnapshot(OnSaleAt, room, clock.GetUtcNow());
    }

    private DateTimeOffset OnSaleAt => _event?.OnSaleAt ?? DateTimeOffset.MinValue;

    private async Task AdvanceAsync()
    {
        if (_event?.WaitingRoom is not { } room || _event.Status != EventStatus.OnSale)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (now < OnSaleAt)
        {
            return;
        }

        var changed = false;
        if (!state.State.Open)
        {
            // Every shard stops handing out early numbers before the counts are taken: none can slip in afterwards.
            var counts = await Task.WhenAll(Enumerable.Range(0, WaitingRoomLine.Shards).Select(s => Shard(s).Freeze()));
            state.State.OpenWith(counts.Select(c => c.Early).ToList(), BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)), Max(OnSaleAt, _event.OnSaleAt is null ? now : OnSaleAt));
            changed = true;
        }

        var late = await Task.WhenAll(Enumerable.Range(0, WaitingRoomLine.Shards).Select(s => Shard(s).GetCounts()));
        var lineEnd = state.State.EarlyTotal + (late.Max(c => c.Late) * WaitingRoomLine.Shards);
        changed |= state.State.Advance(now, room.AdmitPerMinute, lineEnd, Step * 2);
        if (changed)
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private IQueueShardGrain Shard(int shard) => GrainFactory.GetGrain<IQueueShardGrain>($"{this.GetPrimaryKey():N}/{shard}");
}

/// <summary>Caches a room's snapshot on each silo for a moment, so position reads stay local and the room sees a few reads a second.</summary>
[StatelessWorker(1)]
public sealed class WaitingRoomReaderGrain(TimeProvider clock) : Grain, IWaitingRoomReaderGrain
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(250);

    private WaitingRoomSnapshot? _snapshot;
    private DateTimeOffset _readAt;
    private Task<WaitingRoomSnapshot?>? _reading;

    public async Task<WaitingRoomSnapshot?> GetSnapshot()
    {
        var now = clock.GetUtcNow();
        if (_snapshot is not null && now - _readAt < MaxAge && now >= _readAt)
        {
            return _snapshot;
        }

        // One read in flight: callers arriving meanwhile share it.
        _reading ??= GrainFactory.GetGrain<IWaitingRoomGrain>(this.GetPrimaryKey()).GetSnapshot();
        try
        {
            _snapshot = await _reading;
            _readAt = now;
            return _snapshot;
        }
        finally
        {
            _reading = null;
        }
    }
}

[GenerateSerializer, Alias("QueueTicketState")]
public sealed class QueueTicketState
{
    [Id(0)] public Guid EventId { get; set; }

    [Id(1)] public string? CustomerId { get; set; }

    [Id(2)] public QueueNumber? Number { get; set; }

    [Id(3)] public DateTimeOffset JoinedAt { get; set; }

    /// <summary>When the buyer was first seen admitted: the shopping window runs from here.</summary>
    [Id(4)] public DateTimeOffset? AdmittedAt { get; set; }
}

/// <summary>One customer's place in one event's line: its queue number, and when it was admitted.</summary>
public sealed class QueueTicketGrain(
    [PersistentState("queueTicket", ProviderNames.GrainState)] IPersistentState<QueueTicketState> state,
    TimeProvider clock) : Grain, IQueueTicketGrain
{
    private QueueTicketState Ticket => state.State;

    public async Task<QueueTicketView?> Join(Guid eventId, string customerId)
    {
        if (Ticket.Number is null || (await ViewAsync())?.Status == QueueStatus.Expired)
        {
            await TakeNumberAsync(eventId, customerId);
        }

        return await ViewAsync();
    }

    private async Task TakeNumberAsync(Guid eventId, string customerId)
    {
        var layout = await GrainFactory.GetGrain<IEventGrain>(eventId).GetLayout();
        var shard = WaitingRoomLine.ShardFor(customerId);
        var number = await GrainFactory.GetGrain<IQueueShardGrain>($"{eventId:N}/{shard}").Take(layout?.OnSaleAt ?? DateTimeOffset.MinValue);
        Ticket.EventId = eventId;
        Ticket.CustomerId = customerId;
        Ticket.Number = number;
        Ticket.JoinedAt = clock.GetUtcNow();
        Ticket.AdmittedAt = null;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    public async Task<QueueTicketView?> Get(string? customerId) =>
        Ticket.Number is null || (customerId is not null && customerId != Ticket.CustomerId) ? null : await ViewAsync();

    private async Task<QueueTicketView?> ViewAsync()
    {
        if (Ticket.Number is not { } number)
        {
            return null;
        }

        var room = await GrainFactory.GetGrain<IWaitingRoomReaderGrain>(Ticket.EventId).GetSnapshot();
        if (room is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var (status, position, wait) = WaitingRoomLine.Evaluate(number, Ticket.AdmittedAt, room, now);
        if (status == QueueStatus.Admitted && Ticket.AdmittedAt is null)
        {
            Ticket.AdmittedAt = now;
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        return new QueueTicketView(this.GetPrimaryKey(), Ticket.EventId, Ticket.CustomerId!, status, position, wait,
            Ticket.AdmittedAt is { } admitted ? admitted + room.ShoppingWindow : null);
    }
}
