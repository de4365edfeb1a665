using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Webhooks;

/// <summary>An event waiting for delivery to the endpoint, since <see cref="DueSince"/>.</summary>
[GenerateSerializer, Immutable, Alias("PendingWebhookDelivery")]
public sealed record PendingWebhookDelivery(
    [property: Id(0)] IntegrationEvent Event,
    [property: Id(1)] DateTimeOffset DueSince,
    [property: Id(2)] int Attempts);

[GenerateSerializer, Alias("WebhookEndpointState")]
public sealed class WebhookEndpointState
{
    [Id(0)] public string? OwnerId { get; set; }

    [Id(1)] public string Url { get; set; } = "";

    [Id(2)] public List<string> Events { get; set; } = [];

    [Id(3)] public string Secret { get; set; } = "";

    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    [Id(5)] public bool Deleted { get; set; }

    /// <summary>The log position read up to (LogCursor's two parts).</summary>
    [Id(6)] public long CursorTransaction { get; set; }

    [Id(7)] public long CursorPosition { get; set; }

    [Id(8)] public List<PendingWebhookDelivery> Pending { get; set; } = [];

    /// <summary>The latest attempts, oldest first, at most DeliveryLogSize.</summary>
    [Id(9)] public List<WebhookAttempt> Attempts { get; set; } = [];

    /// <summary>The latest events delivered or given up on, for redelivery, at most DeliveryLogSize.</summary>
    [Id(10)] public List<IntegrationEvent> Recent { get; set; } = [];

    public bool Exists => OwnerId is not null && !Deleted;

    public LogCursor Cursor
    {
        get => new(CursorTransaction, CursorPosition);
        set => (CursorTransaction, CursorPosition) = (value.Transaction, value.Position);
    }
}

/// <summary>
/// One organizer's webhook endpoint. Woken by the silos' dispatchers (<see cref="Poll"/>), it reads the integration
/// event log after its cursor, keeps the events its owner should get as pending deliveries, stores both (so a crash
/// loses none: at least once), and hands each pending delivery to the sender, which retries it with backoff for
/// <see cref="WebhookOptions.RetryFor"/> and reports every attempt back. Webhook time is real time (network I/O).
/// </summary>
public sealed class WebhookEndpointGrain(
    [PersistentState("webhookEndpoint", ProviderNames.GrainState)] IPersistentState<WebhookEndpointState> state,
    IIntegrationEventLog log,
    IWebhookSender sender,
    IOptions<WebhookOptions> options,
    ILogger<WebhookEndpointGrain> logger) : Grain, IWebhookEndpointGrain
{
    private const int ReadBatch = 200;

    private readonly Dictionary<Guid, CancellationTokenSource> _inFlight = [];
    private readonly Dictionary<Guid, string?> _owners = [];

    private WebhookEndpointState Endpoint => state.State;

    private Guid Id => this.GetPrimaryKey();

    private static TimeProvider Clock => TimeProvider.System;

    public async Task<WebhookEndpointView> Register(string ownerId, string url, IReadOnlyList<string> events, string secret)
    {
        if (Endpoint.OwnerId is not null)
        {
            throw new InvalidOperationException($"Webhook endpoint {Id} exists already.");
        }

        Endpoint.OwnerId = ownerId;
        Endpoint.Url = url;
        Endpoint.Events = events.Distinct().ToList();
        Endpoint.Secret = secret;
        Endpoint.CreatedAt = Clock.GetUtcNow();
        // Events from now on: the end of the log as it is.
        Endpoint.Cursor = await log.GetEndAsync();
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IWebhookDirectoryGrain>(0).Add(Id, ownerId);
        return View();
    }

    /// <summary>Deliveries still running stop; the next activation starts them again from the stored pending list.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        foreach (var running in _inFlight.Values)
        {
            running.Cancel();
        }

        _inFlight.Clear();
        return Task.CompletedTask;
    }

    public Task<WebhookEndpointView?> Get() => Task.FromResult(Endpoint.Exists ? View() : null);

    public async Task<bool> Delete()
    {
        if (!Endpoint.Exists)
        {
            return false;
        }

        Endpoint.Deleted = true;
        Endpoint.Pending.Clear();
        await state.WriteStateAsync();
        foreach (var running in _inFlight.Values)
        {
            running.Cancel();
        }

        _inFlight.Clear();
        await GrainFactory.GetGrain<IWebhookDirectoryGrain>(0).Remove(Id);
        return true;
    }

    public async Task<bool> RotateSecret(string secret)
    {
        if (!Endpoint.Exists)
        {
            return false;
        }

        Endpoint.Secret = secret;
        await state.WriteStateAsync();
        // Deliveries being retried start over with the new secret.
        foreach (var running in _inFlight.Values)
        {
            running.Cancel();
        }

        _inFlight.Clear();
        StartDeliveries();
        return true;
    }

    public Task<IReadOnlyList<WebhookAttempt>> GetDeliveries() =>
        Task.FromResult<IReadOnlyList<WebhookAttempt>>(Endpoint.Exists ? Enumerable.Reverse(Endpoint.Attempts).ToList() : []);

    public async Task<bool> Redeliver(Guid eventId)
    {
        if (!Endpoint.Exists)
        {
            return false;
        }

        if (Endpoint.Pending.Any(p => p.Event.Id == eventId))
        {
            return true;
        }

        var recent = Endpoint.Recent.LastOrDefault(e => e.Id == eventId);
        if (recent is null)
        {
            return false;
        }

        Endpoint.Pending.Add(new PendingWebhookDelivery(recent, Clock.GetUtcNow(), 0));
        await state.WriteStateAsync();
        StartDeliveries();
        return true;
    }

    public async Task Poll()
    {
        if (!Endpoint.Exists)
        {
            return;
        }

        var changed = false;
        while (true)
        {
            var page = await log.ReadAsync(Endpoint.Cursor, ReadBatch);
            foreach (var logged in page)
            {
                if (WebhookRouting.IsSubscribed(Endpoint.Events, logged.Event.Type) && await IsOwnersAsync(logged.Event))
                {
                    Endpoint.Pending.Add(new PendingWebhookDelivery(logged.Event, Clock.GetUtcNow(), 0));
                }
            }

            if (page.Count > 0)
            {
                Endpoint.Cursor = page[^1].Cursor;
                changed = true;
            }

            if (page.Count < ReadBatch)
            {
                break;
            }
        }

        if (changed)
        {
            // The pending deliveries are stored with the cursor that passed them: none is lost, whatever happens next.
            await state.WriteStateAsync();
        }

        StartDeliveries();
    }

    public async Task ReportAttempt(WebhookAttempt attempt)
    {
        if (!Endpoint.Exists)
        {
            return;
        }

        var index = Endpoint.Pending.FindIndex(p => p.Event.Id == attempt.EventId);
        if (index < 0)
        {
            return;
        }

        Keep(Endpoint.Attempts, attempt);
        if (attempt.Outcome == WebhookAttemptOutcome.Failed)
        {
            Endpoint.Pending[index] = Endpoint.Pending[index] with { Attempts = attempt.Attempt };
        }
        else
        {
            Keep(Endpoint.Recent, Endpoint.Pending[index].Event);
            Endpoint.Pending.RemoveAt(index);
            if (_inFlight.Remove(attempt.EventId, out var done))
            {
                done.Dispose();
            }
        }

        await state.WriteStateAsync();
    }

    public Task DeliveryStopped(Guid eventId)
    {
        if (_inFlight.Remove(eventId, out var stopped))
        {
            stopped.Dispose();
        }

        if (Endpoint.Exists)
        {
            StartDeliveries();
        }

        return Task.CompletedTask;
    }

    private void Keep<T>(List<T> list, T item)
    {
        list.Add(item);
        if (list.Count > options.Value.DeliveryLogSize)
        {
            list.RemoveRange(0, list.Count - options.Value.DeliveryLogSize);
        }
    }

    /// <summary>Hands every pending delivery that is not running to the sender, off the grain's scheduler.</summary>
    private void StartDeliveries()
    {
        var self = this.AsReference<IWebhookEndpointGrain>();
        foreach (var pending in Endpoint.Pending.Where(p => !_inFlight.ContainsKey(p.Event.Id)))
        {
            var cancel = new CancellationTokenSource();
            _inFlight[pending.Event.Id] = cancel;
            var delivery = new WebhookDelivery(Id, Endpoint.Url, Endpoint.Secret, pending.Event, pending.DueSince + options.Value.RetryFor, pending.Attempts);
            _ = Task.Run(async () =>
            {
                try
                {
                    await sender.DeliverAsync(delivery, attempt => self.ReportAttempt(attempt), cancel.Token);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    // Deleted, rotated or deactivated: the stored pending delivery is started again where it belongs.
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Webhook {EndpointId}: the delivery of event {EventId} stopped; it starts again", Id, delivery.Event.Id);
                    await self.DeliveryStopped(delivery.Event.Id);
                }
            }, CancellationToken.None);
        }
    }

    private async Task<bool> IsOwnersAsync(IntegrationEvent e)
    {
        if (WebhookRouting.EventIdOf(e) is not { } eventId)
        {
            return false;
        }

        if (!_owners.TryGetValue(eventId, out var owner))
        {
            owner = (await GrainFactory.GetGrain<IEventGrain>(eventId).GetDetails())?.OwnerId;
            _owners[eventId] = owner;
        }

        return owner is not null && owner == Endpoint.OwnerId;
    }

    private WebhookEndpointView View() => new(Id, Endpoint.OwnerId!, Endpoint.Url, Endpoint.Events, Endpoint.CreatedAt);
}

[GenerateSerializer, Alias("WebhookDirectoryState")]
public sealed class WebhookDirectoryState
{
    /// <summary>Endpoint id → owner.</summary>
    [Id(0)] public Dictionary<Guid, string> Endpoints { get; set; } = [];
}

public sealed class WebhookDirectoryGrain(
    [PersistentState("webhookDirectory", ProviderNames.GrainState)] IPersistentState<WebhookDirectoryState> state) : Grain, IWebhookDirectoryGrain
{
    public async Task Add(Guid endpointId, string ownerId)
    {
        state.State.Endpoints[endpointId] = ownerId;
        await state.WriteStateAsync();
    }

    public async Task Remove(Guid endpointId)
    {
        if (state.State.Endpoints.Remove(endpointId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<Guid>> List(string? ownerId) => Task.FromResult<IReadOnlyList<Guid>>(
        state.State.Endpoints.Where(e => ownerId is null || e.Value == ownerId).Select(e => e.Key).ToList());
}
