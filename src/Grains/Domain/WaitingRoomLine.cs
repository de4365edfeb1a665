using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

/// <summary>
/// Where a queue number stands in the line, in O(1) from a room snapshot: joiners before the opening take the
/// places 0 … early−1 in an order drawn at the opening (a keyed permutation of their dense index, so arriving early or
/// scripting the open gives no edge); later joiners follow in order of arrival, shards interleaved.
/// </summary>
public static class WaitingRoomLine
{
    /// <summary>Queue numbers are handed out by this many shard grains per event.</summary>
    public const int Shards = 16;

    /// <summary>The shard a customer always joins through (stable across processes).</summary>
    public static int ShardFor(string customerId)
    {
        var hash = 2166136261u;
        foreach (var c in customerId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Shards);
    }

    /// <summary>The 0-based place of <paramref name="number"/> in the line; null before the opening for an early joiner (not drawn yet).</summary>
    public static long? PlaceOf(QueueNumber number, WaitingRoomSnapshot room)
    {
        if (number.Early)
        {
            return room.Open ? Shuffle.Permute(room.EarlyBefore[number.Shard] + number.Sequence, room.EarlyTotal, room.Seed) : null;
        }

        return room.EarlyTotal + (number.Sequence * Shards) + number.Shard;
    }

    /// <summary>
    /// The ticket as the buyer sees it at <paramref name="now"/>: waiting (with the number of people ahead + 1 and an
    /// estimate), admitted until the end of its shopping window, or expired.
    /// </summary>
    public static (QueueStatus Status, long? Position, int EstimatedWaitSeconds) Evaluate(
        QueueNumber number, DateTimeOffset? admittedAt, WaitingRoomSnapshot room, DateTimeOffset now)
    {
        if (admittedAt is { } admitted)
        {
            return now < admitted + room.ShoppingWindow ? (QueueStatus.Admitted, 0, 0) : (QueueStatus.Expired, null, 0);
        }

        var place = PlaceOf(number, room);
        if (place is null)
        {
            var untilOpen = Math.Max(0, (room.OnSaleAt - now).TotalSeconds);
            return (QueueStatus.Waiting, null, (int)Math.Ceiling(untilOpen));
        }

        if (place < room.NowServing)
        {
            return (QueueStatus.Admitted, 0, 0);
        }

        var ahead = place.Value - room.NowServing;
        var wait = Math.Ceiling((ahead + 1) * 60.0 / room.AdmitPerMinute);
        return (QueueStatus.Waiting, ahead + 1, (int)Math.Min(wait, int.MaxValue));
    }
}

/// <summary>
/// A keyed pseudo-random permutation of 0 … n−1 (a balanced Feistel network over the next even power of two, walked
/// until it lands inside the range), so each early joiner's drawn place costs a few hash rounds and no list.
/// </summary>
public static class Shuffle
{
    private const int Rounds = 4;

    public static long Permute(long index, long count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        if (count == 1)
        {
            return 0;
        }

        var halfBits = 1;
        while (1L << (2 * halfBits) < count)
        {
            halfBits++;
        }

        var value = (ulong)index;
        do
        {
            value = Encrypt(value, halfBits, seed);
        }
        while (value >= (ulong)count);

        return (long)value;
    }

    private static ulong Encrypt(ulong value, int halfBits, ulong seed)
    {
        var mask = (1UL << halfBits) - 1;
        var left = value >> halfBits;
        var right = value & mask;
        for (var round = 0; round < Rounds; round++)
        {
            var next = left ^ (Mix(right ^ (seed + (ulong)round * 0x9E3779B97F4A7C15UL)) & mask);
            left = right;
            right = next;
        }

        return (left << halfBits) | right;
    }

    /// <summary>SplitMix64's finalizer: a cheap, well-spread hash.</summary>
    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

/// <summary>
/// The moving "now serving" number: every place below it is admitted. It grows at the admission rate once the sale
/// is open, but never past the end of the line, so a quiet spell saves up no admissions for a later rush.
/// </summary>
[GenerateSerializer, Alias("WaitingRoomState")]
public sealed class WaitingRoomState
{
    [Id(0)] public bool Open { get; set; }

    [Id(1)] public List<long> EarlyBefore { get; set; } = [];

    [Id(2)] public long EarlyTotal { get; set; }

    [Id(3)] public ulong Seed { get; set; }

    [Id(4)] public long NowServing { get; set; }

    /// <summary>Admissions earned but not yet whole (the rate per second is often fractional).</summary>
    [Id(5)] public double Credit { get; set; }

    [Id(6)] public DateTimeOffset LastAdvanceAt { get; set; }

    /// <summary>Opens the room: the early joiners' counts per shard become fixed, and their order is drawn from <paramref name="seed"/>.</summary>
    public void OpenWith(IReadOnlyList<long> earlyPerShard, ulong seed, DateTimeOffset onSaleAt)
    {
        EarlyBefore = [];
        long total = 0;
        foreach (var count in earlyPerShard)
        {
            EarlyBefore.Add(total);
            total += count;
        }

        EarlyTotal = total;
        Seed = seed;
        Open = true;
        NowServing = 0;
        Credit = 0;
        LastAdvanceAt = onSaleAt;
    }

    /// <summary>
    /// Admits at <paramref name="admitPerMinute"/> for the time since the last step, at most <paramref name="maxStep"/> of it
    /// (the room is stepped every second; a longer gap means nobody looked, and earns no burst), up to <paramref name="lineEnd"/>.
    /// True when the number moved.
    /// </summary>
    public bool Advance(DateTimeOffset now, int admitPerMinute, long lineEnd, TimeSpan maxStep)
    {
        if (!Open || now <= LastAdvanceAt)
        {
            return false;
        }

        var elapsed = now - LastAdvanceAt;
        if (elapsed > maxStep)
        {
            elapsed = maxStep;
        }

        LastAdvanceAt = now;
        Credit += elapsed.TotalSeconds * admitPerMinute / 60.0;
        var whole = (long)Math.Floor(Credit);
        Credit -= whole;
        var before = NowServing;
        NowServing = Math.Min(NowServing + whole, Math.Max(NowServing, lineEnd));
        if (NowServing >= lineEnd)
        {
            Credit = 0;
        }

        return NowServing != before;
    }

    public WaitingRoomSnapshot ToSnapshot(DateTimeOffset onSaleAt, WaitingRoomDefinition room, DateTimeOffset at) =>
        new(onSaleAt, room.AdmitPerMinute, room.ShoppingWindow, Open, EarlyBefore.ToArray(), EarlyTotal, Seed, NowServing, at);
}
