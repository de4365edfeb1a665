using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Ticketing.Api.Routing;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Api.Live;

/// <summary>One message of an availability stream: its SSE id and event name, and its JSON data.</summary>
public sealed record LiveMessage(string Id, string Event, string Data);

/// <summary>
/// The availability streams of this API host: one Orleans stream subscription per event (so a change on any silo
/// arrives), its changes gathered and sent every <see cref="LiveAvailabilityOptions.FlushInterval"/> to every client of
/// that event in this process. The feed ends when its last client leaves.
/// </summary>
public sealed partial class AvailabilityHub(IClusterClient cluster, SeatInventoryReader inventory,
    IOptions<LiveAvailabilityOptions> options, ILogger<AvailabilityHub> logger)
{
    private IClusterClient Cluster => cluster;

    private SeatInventoryReader Inventory => inventory;

    private ILogger Logger => logger;

    private readonly ConcurrentDictionary<Guid, EventFeed> _feeds = new();
    private readonly Lock _lock = new();

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public LiveAvailabilityOptions Options => options.Value;

    /// <summary>Clients connected to this host, over all events.</summary>
    public int Clients => _feeds.Values.Sum(f => f.ClientCount);

    /// <summary>Joins the event's feed; the returned client reads its messages until it is disposed.</summary>
    public async Task<LiveClient> ConnectAsync(EventLayout layout, string? lastEventId, CancellationToken cancellationToken)
    {
        EventFeed feed;
        LiveClient client;
        lock (_lock)
        {
            feed = _feeds.GetOrAdd(layout.EventId, _ => new EventFeed(layout, this));
            client = feed.Add();
        }

        try
        {
            await feed.StartAsync();
            await feed.GreetAsync(client, lastEventId);
            return client;
        }
        catch
        {
            await DisconnectAsync(client);
            throw;
        }
    }

    internal async Task DisconnectAsync(LiveClient client)
    {
        var feed = client.Feed;
        bool last;
        lock (_lock)
        {
            last = feed.Remove(client) == 0;
            if (last)
            {
                _feeds.TryRemove(new KeyValuePair<Guid, EventFeed>(feed.EventId, feed));
            }
        }

        if (last)
        {
            await feed.StopAsync();
        }
    }

    /// <summary>The feed of one event on this host.</summary>
    internal sealed class EventFeed(EventLayout layout, AvailabilityHub hub)
    {
        private readonly HashSet<LiveClient> _clients = [];
        private readonly Dictionary<string, SeatStatus> _pendingSeats = [];
        private readonly HashSet<string> _pendingSections = new(StringComparer.OrdinalIgnoreCase);
        private readonly LinkedList<(long Seq, LiveMessage Message)> _replay = new();
        private readonly string _epoch = Guid.NewGuid().ToString("N")[..8];
        private readonly CancellationTokenSource _stop = new();
        private Task? _started;
        private Task? _loop;
        private StreamSubscriptionHandle<IntegrationEvent>? _subscription;
        private long _seq;

        public Guid EventId => layout.EventId;

        public int ClientCount
        {
            get
            {
                lock (_clients)
                {
                    return _clients.Count;
                }
            }
        }

        public LiveClient Add()
        {
            var client = new LiveClient(this, hub);
            lock (_clients)
            {
                _clients.Add(client);
            }

            return client;
        }

        public int Remove(LiveClient client)
        {
            lock (_clients)
            {
                _clients.Remove(client);
                return _clients.Count;
            }
        }

        public Task StartAsync()
        {
            lock (_clients)
            {
                _started ??= SubscribeAsync();
            }

            return _started;
        }

        private async Task SubscribeAsync()
        {
            var stream = hub.Cluster.GetStreamProvider(ProviderNames.IntegrationEvents)
                .GetStream<IntegrationEvent>(IntegrationEventStreams.SalesOf(layout.EventId));
            _subscription = await stream.SubscribeAsync((change, _) =>
            {
                Apply(change);
                return Task.CompletedTask;
            });
            _loop = Task.Run(FlushLoopAsync);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            try
            {
                if (_started is not null)
                {
                    await _started;
                }

                if (_subscription is not null)
                {
                    await _subscription.UnsubscribeAsync();
                }

                if (_loop is not null)
                {
                    await _loop;
                }
            }
            catch (Exception e)
            {
                LogStopFailed(hub.Logger, e, EventId);
            }
        }

        /// <summary>A booking's transition, as the event log's stream delivers it, marks its seats (check-ins change none).</summary>
        private void Apply(IntegrationEvent e)
        {
            if (!IntegrationEventTypes.IsBooking(e.Type) || IntegrationEventPayloads.ReadBooking(e.Payload) is not { } change)
            {
                return;
            }

            var status = e.Type switch
            {
                IntegrationEventTypes.BookingHeld => SeatStatus.Held,
                IntegrationEventTypes.BookingConfirmed => SeatStatus.Sold,
                _ => SeatStatus.Free,
            };
            lock (_pendingSeats)
            {
                foreach (var seat in change.Seats)
                {
                    _pendingSeats[seat] = status;
                    if (SeatId.TryParse(seat, out var section, out _))
                    {
                        _pendingSections.Add(section);
                    }
                }

                if (change.Section is { } generalAdmission)
                {
                    _pendingSections.Add(generalAdmission);
                }
            }
        }

        private async Task FlushLoopAsync()
        {
            using var timer = new PeriodicTimer(hub.Options.FlushInterval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    try
                    {
                        await FlushAsync();
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogFlushFailed(hub.Logger, e, EventId);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task FlushAsync()
        {
            Dictionary<string, SeatStatus> seats;
            List<string> sections;
            lock (_pendingSeats)
            {
                if (_pendingSeats.Count == 0 && _pendingSections.Count == 0)
                {
                    return;
                }

                seats = new Dictionary<string, SeatStatus>(_pendingSeats);
                sections = [.. _pendingSections];
                _pendingSeats.Clear();
                _pendingSections.Clear();
            }

            // Section counts come from the blocks themselves: exact, whatever happened between two messages.
            var counts = await hub.Inventory.GetAvailabilityAsync(layout);
            var data = JsonSerializer.Serialize(new
            {
                seats = seats.ToDictionary(s => s.Key, s => s.Value.ToString()),
                sections = sections.Where(counts.ContainsKey).ToDictionary(s => s, s => Counts(counts[s])),
            }, Json);
            Publish("changes", data);
        }

        private void Publish(string name, string data)
        {
            LiveMessage message;
            lock (_replay)
            {
                var seq = ++_seq;
                message = new LiveMessage($"{_epoch}-{seq}", name, data);
                _replay.AddLast((seq, message));
                while (_replay.Count > hub.Options.ReplayMessages)
                {
                    _replay.RemoveFirst();
                }
            }

            LiveClient[] clients;
            lock (_clients)
            {
                clients = [.. _clients];
            }

            foreach (var client in clients)
            {
                client.Offer(message);
            }
        }

        /// <summary>The first messages of a client: what it missed since <paramref name="lastEventId"/>, or a snapshot.</summary>
        public async Task GreetAsync(LiveClient client, string? lastEventId)
        {
            if (lastEventId is { } last && last.Split('-') is [var epoch, var seqText] && epoch == _epoch && long.TryParse(seqText, out var seq))
            {
                lock (_replay)
                {
                    if (seq == _seq || (_replay.First is { } first && first.Value.Seq <= seq + 1 && seq <= _seq))
                    {
                        foreach (var (s, message) in _replay)
                        {
                            if (s > seq)
                            {
                                client.Offer(message);
                            }
                        }

                        return;
                    }
                }
            }

            await SendSnapshotAsync(client);
        }

        public async Task SendSnapshotAsync(LiveClient client)
        {
            var counts = await hub.Inventory.GetAvailabilityAsync(layout);
            string id;
            lock (_replay)
            {
                id = $"{_epoch}-{_seq}";
            }

            var data = JsonSerializer.Serialize(new { sections = counts.ToDictionary(c => c.Key, c => Counts(c.Value)) }, Json);
            client.Offer(new LiveMessage(id, "snapshot", data));
        }

        private static object Counts(SeatCounts c) => new { capacity = c.Capacity, free = c.Free, held = c.Held, sold = c.Sold };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Availability feed of event {EventId} failed to flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Availability feed of event {EventId} did not stop cleanly")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, Guid eventId);
}

/// <summary>One connected client: a bounded queue of messages; a client too slow to keep up gets a fresh snapshot instead.</summary>
public sealed class LiveClient
{
    private readonly Channel<LiveMessage> _messages;
    private readonly AvailabilityHub _hub;
    private volatile bool _overflowed;

    internal LiveClient(AvailabilityHub.EventFeed feed, AvailabilityHub hub)
    {
        (Feed, _hub) = (feed, hub);
        _messages = Channel.CreateBounded<LiveMessage>(new BoundedChannelOptions(hub.Options.ClientBuffer) { SingleReader = true });
    }

    internal AvailabilityHub.EventFeed Feed { get; }

    internal void Offer(LiveMessage message)
    {
        if (!_messages.Writer.TryWrite(message))
        {
            _overflowed = true;
        }
    }

    /// <summary>The next message, or null when <paramref name="wait"/> passes first (time for a heartbeat).</summary>
    public async Task<LiveMessage?> NextAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_overflowed)
        {
            _overflowed = false;
            while (_messages.Reader.TryRead(out _))
            {
            }

            await Feed.SendSnapshotAsync(this);
        }

        if (_messages.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            return await _messages.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public Task DisconnectAsync() => _hub.DisconnectAsync(this);
}
