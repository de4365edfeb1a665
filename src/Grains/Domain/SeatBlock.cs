using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Domain;

/// <summary>
/// The rules of one seat block, without Orleans: holds (specific seats or best available), release, expiry
/// and counts. Every operation takes the current time and first drops holds that have expired, so an expired
/// hold is never reported or counted as held, whenever the timer that frees it runs.
/// </summary>
public sealed class SeatBlock
{
    private readonly SeatBlockState _state;
    private readonly Dictionary<Guid, SeatAllocation> _byBooking = [];
    private SeatAllocation?[] _seatOwners = [];
    private int _held;
    private int _sold;
    private DateTimeOffset _nextExpiry = DateTimeOffset.MaxValue;

    public SeatBlock(SeatBlockState state)
    {
        _state = state;
        if (state.Definition is not null)
        {
            _seatOwners = new SeatAllocation?[state.Definition.Kind == SectionKind.Seated ? state.Definition.Capacity : 0];
        }

        foreach (var allocation in state.Allocations)
        {
            Track(allocation);
        }
    }

    public BlockDefinition? Definition => _state.Definition;

    public bool IsOpen => _state.IsOpen;

    /// <summary>When the earliest hold expires, or null when nothing is held.</summary>
    public DateTimeOffset? NextExpiry => _held > 0 ? _nextExpiry : null;

    /// <summary>Puts the block on sale. The first definition wins: a published layout never changes.</summary>
    public bool Open(BlockDefinition definition)
    {
        if (_state.Definition is null)
        {
            _state.Definition = definition;
            _seatOwners = new SeatAllocation?[definition.Kind == SectionKind.Seated ? definition.Capacity : 0];
        }

        var changed = !_state.IsOpen;
        _state.IsOpen = true;
        return changed;
    }

    public bool Close()
    {
        var changed = _state.IsOpen;
        _state.IsOpen = false;
        return changed;
    }

    /// <summary>Closes for good: after this even holds being paid for cannot become sales.</summary>
    public bool Cancel()
    {
        var changed = _state.IsOpen || !_state.IsCancelled;
        _state.IsOpen = false;
        _state.IsCancelled = true;
        return changed;
    }

    /// <summary>Frees every hold that has expired by <paramref name="now"/>; returns the bookings it freed.</summary>
    public IReadOnlyList<Guid> ExpireDue(DateTimeOffset now)
    {
        if (now < _nextExpiry)
        {
            return [];
        }

        var expired = new List<Guid>();
        var next = DateTimeOffset.MaxValue;
        foreach (var allocation in _state.Allocations.ToList())
        {
            if (allocation.IsExpiredAt(now))
            {
                Remove(allocation);
                expired.Add(allocation.BookingId);
            }
            else if (!allocation.Sold && allocation.ExpiresAt < next)
            {
                next = allocation.ExpiresAt;
            }
        }

        _nextExpiry = next;
        return expired;
    }

    public BlockHoldResult HoldSeats(Guid bookingId, IReadOnlyList<SeatPosition> seats, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        ExpireDue(now);
        var definition = RequireDefinition();
        if (definition.Kind != SectionKind.Seated)
        {
            throw new InvalidOperationException($"Block {definition.Index} is general admission: it has no specific seats.");
        }

        if (_byBooking.TryGetValue(bookingId, out var existing))
        {
            return Repeat(existing);
        }

        if (!_state.IsOpen)
        {
            return BlockHoldResult.Refused(HoldRefusal.NotOnSale, FreeCount);
        }

        var indexes = new int[seats.Count];
        var unavailable = new List<SeatPosition>();
        for (var i = 0; i < seats.Count; i++)
        {
            indexes[i] = IndexOf(definition, seats[i]);
            if (_seatOwners[indexes[i]] is not null)
            {
                unavailable.Add(seats[i]);
            }
        }

        if (unavailable.Count > 0)
        {
            return BlockHoldResult.Refused(HoldRefusal.SeatsTaken, FreeCount, unavailable);
        }

        if (indexes.Distinct().Count() != indexes.Length)
        {
            throw new ArgumentException("A seat is listed twice.", nameof(seats));
        }

        return Add(bookingId, indexes, indexes.Length, expiresAt);
    }

    public BlockHoldResult HoldBestAvailable(Guid bookingId, int quantity, BestAvailableMode mode, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ExpireDue(now);
        var definition = RequireDefinition();
        if (_byBooking.TryGetValue(bookingId, out var existing))
        {
            return Repeat(existing);
        }

        if (!_state.IsOpen)
        {
            return BlockHoldResult.Refused(HoldRefusal.NotOnSale, FreeCount);
        }

        var free = FreeCount;
        var take = mode == BestAvailableMode.AsManyAsAvailable ? Math.Min(quantity, free) : quantity;
        if (take == 0 || free < take)
        {
            return BlockHoldResult.Refused(HoldRefusal.NotEnoughSeats, free);
        }

        if (definition.Kind == SectionKind.GeneralAdmission)
        {
            return Add(bookingId, [], take, expiresAt);
        }

        var indexes = mode == BestAvailableMode.AdjacentInRow
            ? FindAdjacentInRow(definition, take)
            : FirstFree(take);
        return indexes is null
            ? BlockHoldResult.Refused(HoldRefusal.NotEnoughSeats, free)
            : Add(bookingId, indexes, indexes.Length, expiresAt);
    }

    /// <summary>Frees what the booking holds here. Sold seats stay sold.</summary>
    public bool Release(Guid bookingId, DateTimeOffset now)
    {
        ExpireDue(now);
        if (!_byBooking.TryGetValue(bookingId, out var allocation) || allocation.Sold)
        {
            return false;
        }

        Remove(allocation);
        return true;
    }

    /// <summary>Moves a held booking's expiry to at least <paramref name="until"/> (a payment is in flight).</summary>
    public bool ExtendHold(Guid bookingId, DateTimeOffset until, DateTimeOffset now)
    {
        ExpireDue(now);
        if (!_byBooking.TryGetValue(bookingId, out var allocation) || allocation.Sold)
        {
            return false;
        }

        // Only ever later, so the cached next expiry stays a safe lower bound; the next sweep corrects it.
        allocation.ExpiresAt = allocation.ExpiresAt > until ? allocation.ExpiresAt : until;
        return true;
    }

    /// <summary>Turns a live hold into a sale. Selling twice is fine; selling an expired or released hold is not.</summary>
    public bool Sell(Guid bookingId, DateTimeOffset now)
    {
        ExpireDue(now);
        if (!_byBooking.TryGetValue(bookingId, out var allocation) || (_state.IsCancelled && !allocation.Sold))
        {
            return false;
        }

        if (!allocation.Sold)
        {
            allocation.Sold = true;
            _held -= allocation.Quantity;
            _sold += allocation.Quantity;
        }

        return true;
    }

    /// <summary>Puts a booking's sold seats back on sale.</summary>
    public bool ReturnSold(Guid bookingId)
    {
        if (!_byBooking.TryGetValue(bookingId, out var allocation) || !allocation.Sold)
        {
            return false;
        }

        Remove(allocation);
        return true;
    }

    /// <summary>The bookings that hold or bought seats here (live holds only).</summary>
    public IReadOnlyList<Guid> Bookings(DateTimeOffset now)
    {
        ExpireDue(now);
        return _state.Allocations.Select(a => a.BookingId).ToList();
    }

    public SeatCounts Counts(DateTimeOffset now)
    {
        ExpireDue(now);
        var capacity = _state.Definition?.Capacity ?? 0;
        return new SeatCounts(capacity, capacity - _held - _sold, _held, _sold);
    }

    public IReadOnlyList<SeatView> Seats(DateTimeOffset now)
    {
        ExpireDue(now);
        var definition = _state.Definition;
        if (definition is null || definition.Kind != SectionKind.Seated)
        {
            return [];
        }

        var seats = new SeatView[_seatOwners.Length];
        for (var i = 0; i < seats.Length; i++)
        {
            var owner = _seatOwners[i];
            var status = owner is null ? SeatStatus.Free : owner.Sold ? SeatStatus.Sold : SeatStatus.Held;
            seats[i] = new SeatView(PositionOf(definition, i), status);
        }

        return seats;
    }

    private int FreeCount => (_state.Definition?.Capacity ?? 0) - _held - _sold;

    private BlockDefinition RequireDefinition() =>
        _state.Definition ?? throw new InvalidOperationException("The seat block has not been opened.");

    private static int IndexOf(BlockDefinition definition, SeatPosition seat)
    {
        if (!definition.ContainsRow(seat.Row) || seat.Number < 1 || seat.Number > definition.SeatsPerRow)
        {
            throw new ArgumentOutOfRangeException(nameof(seat), $"Seat {seat} is not in block {definition.Index}.");
        }

        return (seat.Row - definition.FirstRow) * definition.SeatsPerRow + seat.Number - 1;
    }

    private static SeatPosition PositionOf(BlockDefinition definition, int index) =>
        new(definition.FirstRow + index / definition.SeatsPerRow, index % definition.SeatsPerRow + 1);

    /// <summary>
    /// The front-most row with <paramref name="quantity"/> adjacent free seats; in that row, the run closest to
    /// the row's centre.
    /// </summary>
    private int[]? FindAdjacentInRow(BlockDefinition definition, int quantity)
    {
        var perRow = definition.SeatsPerRow;
        var centre = (perRow - quantity) / 2.0;
        for (var row = 0; row < definition.RowCount; row++)
        {
            var bestStart = -1;
            var bestDistance = double.MaxValue;
            var runStart = 0;
            for (var seat = 0; seat <= perRow; seat++)
            {
                if (seat < perRow && _seatOwners[row * perRow + seat] is null)
                {
                    continue;
                }

                // A free run [runStart, seat) ends here: place the group in it as near the centre as it fits.
                if (seat - runStart >= quantity)
                {
                    var start = Math.Clamp((int)Math.Round(centre), runStart, seat - quantity);
                    var distance = Math.Abs(start - centre);
                    if (distance < bestDistance)
                    {
                        bestDistance = distance;
                        bestStart = start;
                    }
                }

                runStart = seat + 1;
            }

            if (bestStart >= 0)
            {
                return Enumerable.Range(row * perRow + bestStart, quantity).ToArray();
            }
        }

        return null;
    }

    private int[]? FirstFree(int quantity)
    {
        var indexes = new int[quantity];
        var found = 0;
        for (var i = 0; i < _seatOwners.Length && found < quantity; i++)
        {
            if (_seatOwners[i] is null)
            {
                indexes[found++] = i;
            }
        }

        return found == quantity ? indexes : null;
    }

    private BlockHoldResult Add(Guid bookingId, int[] indexes, int quantity, DateTimeOffset expiresAt)
    {
        var allocation = new SeatAllocation { BookingId = bookingId, ExpiresAt = expiresAt, SeatIndexes = indexes, Quantity = quantity };
        _state.Allocations.Add(allocation);
        Track(allocation);
        return Repeat(allocation);
    }

    /// <summary>Answers for an allocation that exists: a retried hold gets what the first attempt got.</summary>
    private BlockHoldResult Repeat(SeatAllocation allocation)
    {
        var definition = RequireDefinition();
        var seats = allocation.SeatIndexes.Select(i => PositionOf(definition, i)).ToArray();
        return BlockHoldResult.Held(seats, allocation.Quantity, FreeCount, allocation.ExpiresAt);
    }

    private void Track(SeatAllocation allocation)
    {
        _byBooking[allocation.BookingId] = allocation;
        foreach (var index in allocation.SeatIndexes)
        {
            _seatOwners[index] = allocation;
        }

        if (allocation.Sold)
        {
            _sold += allocation.Quantity;
        }
        else
        {
            _held += allocation.Quantity;
            if (allocation.ExpiresAt < _nextExpiry)
            {
                _nextExpiry = allocation.ExpiresAt;
            }
        }
    }

    private void Remove(SeatAllocation allocation)
    {
        _state.Allocations.Remove(allocation);
        _byBooking.Remove(allocation.BookingId);
        foreach (var index in allocation.SeatIndexes)
        {
            _seatOwners[index] = null;
        }

        if (allocation.Sold)
        {
            _sold -= allocation.Quantity;
        }
        else
        {
            _held -= allocation.Quantity;
        }
    }
}
