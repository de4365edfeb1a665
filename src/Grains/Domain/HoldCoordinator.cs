using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

/// <summary>One block's share of a booking's hold.</summary>
public sealed record HeldPart(BlockDefinition Block, BlockHoldResult Result);

/// <summary>The outcome of holding a booking's seats over its blocks.</summary>
public sealed record HoldOutcome(HoldRefusal Refusal, IReadOnlyList<HeldPart> Parts, IReadOnlyList<string> UnavailableSeats, int FreeSeen)
{
    public bool Succeeded => Refusal == HoldRefusal.None;
}

/// <summary>
/// Holds a booking's seats across seat blocks, all or nothing: when any block refuses, what the others granted
/// is released before answering. The block calls are passed in, so the rules run against grains in the silo
/// and against plain <see cref="SeatBlock"/>s in unit tests.
/// </summary>
public static class HoldCoordinator
{
    public delegate Task<BlockHoldResult> HoldSeatsCall(BlockSeats part);

    public delegate Task<BlockHoldResult> HoldBestAvailableCall(BlockDefinition block, int quantity, BestAvailableMode mode);

    public delegate Task ReleaseCall(BlockDefinition block);

    /// <summary>Specific seats: every block is asked at once; the seats each refused are reported together.</summary>
    public static async Task<HoldOutcome> HoldSpecificAsync(IReadOnlyList<BlockSeats> parts, HoldSeatsCall hold, ReleaseCall release)
    {
        var attempts = parts.Select(part => hold(part)).ToArray();
        BlockHoldResult[] results;
        try
        {
            results = await Task.WhenAll(attempts);
        }
        catch
        {
            // A block that failed may still have held: release everywhere (release is idempotent) and report.
            await ReleaseAllAsync(parts.Select(p => p.Block), release);
            throw;
        }

        var held = parts.Zip(results, (part, result) => new HeldPart(part.Block, result)).ToList();
        if (held.All(p => p.Result.Succeeded))
        {
            return new HoldOutcome(HoldRefusal.None, held, [], held.Sum(p => p.Result.Free));
        }

        await ReleaseAllAsync(held.Where(p => p.Result.Succeeded).Select(p => p.Block), release);
        var refusal = held.Any(p => p.Result.Refusal == HoldRefusal.NotOnSale) ? HoldRefusal.NotOnSale : HoldRefusal.SeatsTaken;
        var unavailable = held
            .SelectMany(p => p.Result.Unavailable.Select(seat => seat.ToSeatId(p.Block.SectionId)))
            .ToList();
        return new HoldOutcome(refusal, [], unavailable, held.Sum(p => p.Result.Free));
    }

    /// <summary>
    /// Best available, in three passes over the candidate blocks (in the order given): adjacent seats in one row of
    /// one block; then any seats of one block; then seats spread over several blocks. Each refusal tells how many
    /// seats its block has free, so later passes skip blocks that cannot help. When a block call throws in any pass,
    /// every block asked so far is released (a call that threw may still have held) before the exception goes on.
    /// </summary>
    public static async Task<HoldOutcome> HoldBestAvailableAsync(
        IReadOnlyList<BlockDefinition> candidates, int quantity, HoldBestAvailableCall hold, ReleaseCall release)
    {
        var asked = new HashSet<BlockDefinition>();
        try
        {
            return await HoldBestAvailableInPassesAsync(candidates, quantity, (block, n, mode) =>
            {
                asked.Add(block);
                return hold(block, n, mode);
            }, release);
        }
        catch
        {
            await ReleaseAllAsync(asked, release);
            throw;
        }
    }

    private static async Task<HoldOutcome> HoldBestAvailableInPassesAsync(
        IReadOnlyList<BlockDefinition> candidates, int quantity, HoldBestAvailableCall hold, ReleaseCall release)
    {
        var free = new Dictionary<int, int>();
        var seated = candidates.Count > 0 && candidates[0].Kind == SectionKind.Seated;

        foreach (var block in candidates)
        {
            var result = await hold(block, quantity, BestAvailableMode.AdjacentInRow);
            if (result.Succeeded || result.Refusal == HoldRefusal.NotOnSale)
            {
                return Single(block, result);
            }

            free[block.Index] = result.Free;
        }

        if (seated)
        {
            foreach (var block in candidates.Where(b => free[b.Index] >= quantity))
            {
                var result = await hold(block, quantity, BestAvailableMode.AnyInBlock);
                if (result.Succeeded)
                {
                    return Single(block, result);
                }

                free[block.Index] = result.Free;
            }
        }

        var freeSeen = free.Values.Sum();
        if (freeSeen < quantity)
        {
            return new HoldOutcome(HoldRefusal.NotEnoughSeats, [], [], freeSeen);
        }

        var parts = new List<HeldPart>();
        var remaining = quantity;
        foreach (var block in candidates.Where(b => free[b.Index] > 0))
        {
            var result = await hold(block, remaining, BestAvailableMode.AsManyAsAvailable);
            if (result.Succeeded)
            {
                parts.Add(new HeldPart(block, result));
                remaining -= result.Quantity;
                if (remaining == 0)
                {
                    return new HoldOutcome(HoldRefusal.None, parts, [], freeSeen);
                }
            }
        }

        // Others took the seats between the passes.
        await ReleaseAllAsync(parts.Select(p => p.Block), release);
        return new HoldOutcome(HoldRefusal.NotEnoughSeats, [], [], quantity - remaining);
    }

    public static Task ReleaseAllAsync(IEnumerable<BlockDefinition> blocks, ReleaseCall release) =>
        Task.WhenAll(blocks.Select(block => release(block)));

    private static HoldOutcome Single(BlockDefinition block, BlockHoldResult result) =>
        new(result.Refusal, result.Succeeded ? [new HeldPart(block, result)] : [], [], result.Free);
}
