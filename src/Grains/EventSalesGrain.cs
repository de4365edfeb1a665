using Orleans.Streams;
using Orleans.Streams.Core;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Grains.Events;

namespace Ticketing.Grains;

/// <summary>
/// The sales projection of one event: a consumer of the event's sales stream (implicitly subscribed, so it exists
/// from the event's first booking without anyone registering it). Each batch the stream delivers is counted and stored
/// before the delivery is acknowledged, so a stream queue's checkpoint never passes an event the stored tally lacks;
/// after a restart the queue delivers again from its checkpoint and the tally skips what it has counted. (On a
/// provider whose tokens are not log positions, such as the memory relay, every delivery counts.)
/// </summary>
[ImplicitStreamSubscription(IntegrationEventStreams.Sales)]
public sealed class EventSalesGrain(
    [PersistentState("sales", ProviderNames.GrainState)] IPersistentState<SalesTally> state) : Grain, IEventSalesGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<IntegrationEvent>
{
    public Task<EventSales> Get() => Task.FromResult(state.State.ToView(this.GetPrimaryKey()));

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<IntegrationEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<IntegrationEvent>> items)
    {
        var counted = false;
        foreach (var item in items)
        {
            counted |= state.State.Apply(item.Item, (item.Token as LogSequenceToken)?.Cursor);
        }

        if (counted)
        {
            // A failed write fails the delivery, which the stream retries: this activation's counts cannot be trusted.
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
