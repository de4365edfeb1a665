using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Grains.Events;

namespace Ticketing.Grains;

/// <summary>
/// An event's description, layout and status. Holds never pass through it: the API routes them to seat blocks
/// from the layout, and availability is gathered from the blocks.
/// </summary>
public sealed class EventGrain(
    [PersistentState("event", ProviderNames.GrainState)] IPersistentState<EventState> state,
    TimeProvider clock) : Grain, IEventGrain
{
    /// <summary>Bookings cancelled at once when an event is cancelled; also how many are cancelled before answering.</summary>
    public const int CancellationBatch = 16;

    private EventLayout? _layout;

    private EventState Event => state.State;

    public Task<EventDetails> Create(EventDefinition definition) => CreateAsync(definition, null);

    public Task<EventDetails> Create(EventDefinition definition, string ownerId) => CreateAsync(definition, ownerId);

    private async Task<EventDetails> CreateAsync(EventDefinition definition, string? ownerId)
    {
        if (Event.Exists)
        {
            throw new InvalidOperationException($"Event {this.GetPrimaryKey()} already exists.");
        }

        Event.Definition = definition;
        Event.Status = EventStatus.Draft;
        Event.CreatedAt = clock.GetUtcNow();
        Event.OwnerId = ownerId;
        await SaveAsync(IntegrationEventTypes.EventCreated);
        return Details();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A cancellation interrupted by a restart picks up where it stopped.
        if (Event.BookingsToCancel is { Count: > 0 })
        {
            this.AsReference<IEventGrain>().ContinueCancellation().Ignore();
        }

        return Task.CompletedTask;
    }

    public async Task<EventCommandResult> Update(EventDefinition definition)
    {
        if (!Event.Exists)
        {
            return NotFound();
        }

        if (Event.LayoutIsFrozen)
        {
            return EventCommandResult.Fail(EventCommandError.InvalidTransition, Event.Status == EventStatus.Draft
                ? "A publish of this event started and did not finish: its layout is frozen; publish it again to finish."
                : $"The event is {Event.Status}: its description and layout are frozen once it goes on sale.");
        }

        Event.Definition = definition;
        await SaveAsync(IntegrationEventTypes.EventChanged);
        return EventCommandResult.Ok(Details());
    }

    public async Task<EventCommandResult> Publish()
    {
        if (!Event.Exists)
        {
            return NotFound();
        }

        if (Event.Status == EventStatus.OnSale)
        {
            return EventCommandResult.Ok(Details());
        }

        if (!EventLifecycle.CanMove(Event.Status, EventStatus.OnSale))
        {
            return InvalidTransition(EventStatus.OnSale);
        }

        if (!Event.PublishStarted)
        {
            // Stored before any block is opened: a publish that fails half-way leaves a layout nobody may edit.
            Event.PublishStarted = true;
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        // Blocks first: once the event says OnSale, every block must already accept holds.
        var layout = Layout();
        await BoundedFanOut.ForEachAsync(layout.Sections.SelectMany(s => s.Blocks), b => Block(b).Open(b));
        return await MoveTo(EventStatus.OnSale);
    }

    public Task<EventCommandResult> CloseSales() => StopSalesAsync(EventStatus.SalesClosed);

    /// <summary>
    /// Stops sales for good and cancels every booking that still holds or bought seats: held ones are released,
    /// confirmed ones refunded (their seats go back, though nothing is on sale any more). Up to one batch of bookings
    /// is cancelled before answering; more continue in the background (<see cref="ContinueCancellation"/>), so the
    /// request stays short whatever the event's size. Repeating it goes over every booking again.
    /// </summary>
    public async Task<EventCommandResult> Cancel()
    {
        var neverOnSale = Event.Status == EventStatus.Draft;
        var result = Event.Status == EventStatus.Cancelled ? EventCommandResult.Ok(Details()) : await StopSalesAsync(EventStatus.Cancelled);
        if (result.Event is null)
        {
            return result;
        }

        var blocks = neverOnSale ? [] : Layout().Sections.SelectMany(s => s.Blocks).ToList();
        Event.BookingsToCancel = (await Task.WhenAll(blocks.Select(b => Block(b).GetBookings()))).SelectMany(ids => ids).Distinct().ToList();
        Event.BookingsCancelled = 0;
        await CancelNextBatchAsync();
        if (Event.BookingsToCancel.Count > 0)
        {
            this.AsReference<IEventGrain>().ContinueCancellation().Ignore();
        }

        return EventCommandResult.Ok(Details());
    }

    public async Task ContinueCancellation()
    {
        if (Event.BookingsToCancel is not { Count: > 0 })
        {
            return;
        }

        await CancelNextBatchAsync();
        if (Event.BookingsToCancel.Count > 0)
        {
            this.AsReference<IEventGrain>().ContinueCancellation().Ignore();
        }
    }

    /// <summary>A few at a time (each refund is a call to the payment provider), and the progress is saved after each batch.</summary>
    private async Task CancelNextBatchAsync()
    {
        var pending = Event.BookingsToCancel!;
        var batch = pending.Take(CancellationBatch).ToList();
        await Task.WhenAll(batch.Select(id => GrainFactory.GetGrain<IBookingGrain>(id).Cancel()));
        pending.RemoveRange(0, batch.Count);
        Event.BookingsCancelled += batch.Count;
        await state.WriteStateAsync();
    }

    /// <summary>Closes every block first, so that no hold slips in after the event says sales have stopped.</summary>
    private async Task<EventCommandResult> StopSalesAsync(EventStatus target)
    {
        if (!Event.Exists)
        {
            return NotFound();
        }

        if (!EventLifecycle.CanMove(Event.Status, target))
        {
            return InvalidTransition(target);
        }

        await CloseBlocksAsync(cancel: target == EventStatus.Cancelled);
        return await MoveTo(target);
    }

    public Task<EventDetails?> GetDetails() => Task.FromResult(Event.Exists ? Details() : null);

    public Task<EventLayout?> GetLayout() => Task.FromResult(Event.Exists ? Layout() : null);

    public async Task<IReadOnlyList<string>?> AddStaff(string subject)
    {
        if (!Event.Exists)
        {
            return null;
        }

        if (!Event.Staff.Contains(subject))
        {
            if (Event.Staff.Count >= EventState.MaxStaff)
            {
                throw new InvalidOperationException($"An event has at most {EventState.MaxStaff} staff.");
            }

            Event.Staff.Add(subject);
            await SaveAsync();
        }

        return [.. Event.Staff];
    }

    public Task<IReadOnlyList<string>> GetStaff() => Task.FromResult<IReadOnlyList<string>>([.. Event.Staff]);

    private EventLayout Layout()
    {
        if (_layout is null || _layout.Status != Event.Status)
        {
            _layout = LayoutPlanner.Plan(this.GetPrimaryKey(), Event.Definition!, Event.Status) with
            {
                MaxSeatsPerCustomer = Event.Definition!.MaxSeatsPerCustomer,
                OwnerId = Event.OwnerId,
                WaitingRoom = Event.Definition.WaitingRoom,
                OnSaleAt = Event.Definition.OnSaleAt,
            };
        }

        return _layout;
    }

    private Task CloseBlocksAsync(bool cancel)
    {
        if (!Event.BlocksMayBeOpen)
        {
            return Task.CompletedTask;
        }

        return BoundedFanOut.ForEachAsync(Layout().Sections.SelectMany(s => s.Blocks), b => cancel ? Block(b).Cancel() : Block(b).Close());
    }

    private async Task<EventCommandResult> MoveTo(EventStatus status)
    {
        Event.Status = status;
        await SaveAsync(status switch
        {
            EventStatus.OnSale => IntegrationEventTypes.EventPublished,
            EventStatus.Cancelled => IntegrationEventTypes.EventCancelled,
            _ => IntegrationEventTypes.EventChanged,
        });
        return EventCommandResult.Ok(Details());
    }

    /// <summary>
    /// Stores the change with its integration event (<paramref name="eventType"/>) in the outbox; without one for
    /// changes outside the event's public description (its staff).
    /// </summary>
    private async Task SaveAsync(string? eventType = null)
    {
        _layout = null;
        if (eventType is not null)
        {
            Event.AppendEvent(this.GetPrimaryKey().ToString(), this.GetPrimaryKey(), eventType, clock.GetUtcNow(), IntegrationEventPayloads.ForEvent(this.GetPrimaryKey(), Event));
        }

        // The catalogue (GET /api/events) is the search projection fed by this event's integration events.
        await state.WriteStateAsync();
    }

    private EventDetails Details() => new(this.GetPrimaryKey(), Event.Definition!, Event.Status, Event.CreatedAt, Event.OwnerId, Event.Cancellation);

    private ISeatBlockGrain Block(BlockDefinition block) => GrainFactory.GetGrain<ISeatBlockGrain>(block.GrainKey);

    private static EventCommandResult NotFound() => EventCommandResult.Fail(EventCommandError.NotFound, "No such event.");

    private EventCommandResult InvalidTransition(EventStatus to) =>
        EventCommandResult.Fail(EventCommandError.InvalidTransition, $"An event that is {Event.Status} cannot become {to}.");
}
