using Orleans.Concurrency;

namespace Ticketing.Grains.Abstractions;

/// <summary>
/// An event's waiting room: buyers queue, and are let in to shop at <see cref="AdmitPerMinute"/>; each admitted buyer
/// has <see cref="ShoppingWindow"/> to hold seats with the admission token.
/// </summary>
[GenerateSerializer, Immutable, Alias("WaitingRoomDefinition")]
public sealed record WaitingRoomDefinition(
    [property: Id(0)] int AdmitPerMinute,
    [property: Id(1)] TimeSpan ShoppingWindow)
{
    public static readonly TimeSpan DefaultShoppingWindow = TimeSpan.FromMinutes(10);
}

[GenerateSerializer, Alias("QueueStatus")]
public enum QueueStatus
{
    /// <summary>In the line; before the sale opens the place is not drawn yet (no position).</summary>
    Waiting,

    /// <summary>Let in: may hold seats until the shopping window ends.</summary>
    Admitted,

    /// <summary>The shopping window ended; joining again goes to the back of the line.</summary>
    Expired,
}

/// <summary>The number a shard handed out: the <see cref="Sequence"/>-th of its joiners before (early) or after the sale opened.</summary>
[GenerateSerializer, Immutable, Alias("QueueNumber")]
public sealed record QueueNumber([property: Id(0)] int Shard, [property: Id(1)] long Sequence, [property: Id(2)] bool Early);

/// <summary>How many numbers a shard handed out before and after the sale opened.</summary>
[GenerateSerializer, Immutable, Alias("QueueShardCounts")]
public sealed record QueueShardCounts([property: Id(0)] long Early, [property: Id(1)] long Late, [property: Id(2)] bool Frozen);

/// <summary>
/// What every position lookup needs, in a few numbers: once the sale opened, the early joiners' counts per shard
/// (frozen), the seed of their shuffle, and how far admission has come.
/// </summary>
[GenerateSerializer, Immutable, Alias("WaitingRoomSnapshot")]
public sealed record WaitingRoomSnapshot(
    [property: Id(0)] DateTimeOffset OnSaleAt,
    [property: Id(1)] int AdmitPerMinute,
    [property: Id(2)] TimeSpan ShoppingWindow,
    [property: Id(3)] bool Open,
    [property: Id(4)] IReadOnlyList<long> EarlyBefore,
    [property: Id(5)] long EarlyTotal,
    [property: Id(6)] ulong Seed,
    [property: Id(7)] long NowServing,
    [property: Id(8)] DateTimeOffset At);

/// <summary>A buyer's place in an event's waiting room.</summary>
[GenerateSerializer, Immutable, Alias("QueueTicketView")]
public sealed record QueueTicketView(
    [property: Id(0)] Guid QueueTicketId,
    [property: Id(1)] Guid EventId,
    [property: Id(2)] string CustomerId,
    [property: Id(3)] QueueStatus Status,
    [property: Id(4)] long? Position,
    [property: Id(5)] int EstimatedWaitSeconds,
    [property: Id(6)] DateTimeOffset? WindowEndsAt);

/// <summary>Hands out queue numbers for one shard of one event's waiting room (key: <c>{event id:N}/{shard}</c>).</summary>
[Alias("IQueueShardGrain")]
public interface IQueueShardGrain : IGrainWithStringKey
{
    /// <summary>The next number: early (to be shuffled) while the clock is before <paramref name="onSaleAt"/> and the shard is not frozen.</summary>
    [Alias("Take")]
    Task<QueueNumber> Take(DateTimeOffset onSaleAt);

    /// <summary>Stops early numbers for good (the sale opened) and returns the counts.</summary>
    [Alias("Freeze")]
    Task<QueueShardCounts> Freeze();

    [Alias("GetCounts")]
    Task<QueueShardCounts> GetCounts();
}

/// <summary>One event's waiting room: draws the early joiners' order at the opening and moves "now serving" at the admission rate.</summary>
[Alias("IWaitingRoomGrain")]
public interface IWaitingRoomGrain : IGrainWithGuidKey
{
    /// <summary>The room as of now (admission brought up to date first); null when the event has no waiting room.</summary>
    [Alias("GetSnapshot")]
    Task<WaitingRoomSnapshot?> GetSnapshot();
}

/// <summary>A per-silo cache of rooms' snapshots, so that position reads do not all meet at the room grain.</summary>
[Alias("IWaitingRoomReaderGrain")]
public interface IWaitingRoomReaderGrain : IGrainWithGuidKey
{
    [Alias("GetSnapshot")]
    Task<WaitingRoomSnapshot?> GetSnapshot();
}

/// <summary>One customer's place in one event's waiting room (key: <c>QueueTicketKey.For(event, customer)</c>).</summary>
[Alias("IQueueTicketGrain")]
public interface IQueueTicketGrain : IGrainWithGuidKey
{
    /// <summary>Joins the line, or returns the place already held; an expired ticket joins again at the back.</summary>
    [Alias("Join")]
    Task<QueueTicketView?> Join(Guid eventId, string customerId);

    /// <summary>The ticket if it belongs to <paramref name="customerId"/> (null: any customer, for an admin).</summary>
    [Alias("Get")]
    Task<QueueTicketView?> Get(string? customerId);
}
