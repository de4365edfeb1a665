using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Payments;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Events;
using Ticketing.Hosting.Streams;
using Ticketing.Hosting.Payments;

namespace Ticketing.GrainTests;

/// <summary>Two in-process silos whose grains run on a fake clock that the tests move.</summary>
public sealed class ClusterFixture() : TicketingClusterFixture(fakeClock: true);

/// <summary>
/// Two in-process silos on real time, for the event streams: the stream runtime's own grains run on the grain clock
/// too, and a fake clock moved by many minutes disturbs their leases and retries, which real buyers never see.
/// </summary>
public sealed class RealTimeClusterFixture() : TicketingClusterFixture(fakeClock: false);

public abstract class TicketingClusterFixture(bool fakeClock) : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Payment timings shrunk so that every saga path runs in about a second of real time.</summary>
    public static readonly IConfiguration Settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Payments:Saga:HoldGrace"] = "00:00:30",
        ["Payments:Saga:RefundRetryPeriod"] = "00:00:01",
        ["Payments:Resilience:AttemptTimeout"] = "00:00:00.800",
        ["Payments:Resilience:MaxRetries"] = "2",
        ["Payments:Resilience:RetryBaseDelay"] = "00:00:00.010",
        ["Payments:Resilience:BreakerFailureRatio"] = "0.6",
        ["Payments:Resilience:BreakerMinimumThroughput"] = "10",
        ["Payments:Resilience:BreakerSamplingDuration"] = "00:00:01",
        ["Payments:Resilience:BreakDuration"] = "00:00:03",
        ["Payments:Simulated:Latency"] = "00:00:00.001",
        ["Payments:Simulated:SlowLatency"] = "00:00:00.500",
        ["Payments:Simulated:RefundFailures"] = "4",
        // A fixed ticket signing key (ECDSA P-256, PKCS#8), rather than the development key kept in the user's files.
        ["Tickets:SigningKeyId"] = "grain-tests",
        ["Tickets:Keys:grain-tests:PrivateKey"] =
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguPdeR1oEv/lQrU6rYdc+xhFcnQcG48H8X+l402UVbVShRANCAATDSN4kuC3SK+jiUXBlaMPSKk/mrfpqk8hQhca5iuKVtBtB7Rab+KEKlUj0OsHE/VeQRga34p1ifdWoQ3ya7AtK",
    }).Build();

    public FakeTimeProvider Clock { get; } = new(Start);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>The integration event log every silo and the client share, as they would share PostgreSQL's.</summary>
    public InMemoryIntegrationEventLog EventLog { get; } = new();

    /// <summary>Where the stream queues' readers keep their checkpoints, shared likewise.</summary>
    public InMemoryLogConsumerCursors StreamCheckpoints { get; } = new();

    /// <summary>Answers of seat blocks that a test chose to lose: the block does the call, its caller hears an error.</summary>
    public LostBlockAnswers LostAnswers { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder();
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IIntegrationEventLog>(EventLog);
            silo.Services.AddSingleton<ILogConsumerCursors>(StreamCheckpoints);
            silo.AddTicketingInMemoryProviders();
            silo.Services.AddTicketingGrainServices(Settings);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.AddIncomingGrainCallFilter(LostAnswers.Filter);
            if (fakeClock)
            {
                silo.Services.AddSingleton<TimeProvider>(Clock);
                // The silo's own maintenance loops stay on real time; only grains see the fake clock.
                silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            }
        });
        builder.ConfigureClient(client =>
        {
            client.Services.AddSingleton<IIntegrationEventLog>(EventLog);
            client.Services.AddSingleton<ILogConsumerCursors>(StreamCheckpoints);
            client.AddTicketingEventStreams(Settings);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The simulated payment provider (one per silo; a booking's calls go to the silo it lives on).</summary>
    public IEnumerable<SimulatedPaymentProvider> PaymentProviders =>
        Cluster.GetActiveSilos().Select(s => Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<SimulatedPaymentProvider>());

    /// <summary>The gateway of each silo: each has its own circuit breaker, as each process would.</summary>
    public IEnumerable<IPaymentGateway> Gateways =>
        Cluster.GetActiveSilos().Select(s => Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IPaymentGateway>());

    public int ChargesFor(Guid bookingId) => PaymentProviders.Sum(p => p.Charges.Count(c => c.IdempotencyKey.Contains(bookingId.ToString("N"))));

    public int RefundsFor(Guid bookingId) => PaymentProviders.Sum(p => p.Refunds.Count(c => c.IdempotencyKey.Contains(bookingId.ToString("N"))));

    /// <summary>Reads a grain's state as stored, bypassing the grain, to see what it has persisted.</summary>
    public async Task<T> ReadStoredStateAsync<T>(IAddressable grain, string stateName) where T : new()
    {
        var silo = Cluster.GetActiveSilos().First();
        var storage = Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredKeyedService<IGrainStorage>(ProviderNames.GrainState);
        var state = new GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.State ?? new T();
    }
}

/// <summary>
/// Seat-block releases a test makes fail for one booking: refused before the block acts (a block out of reach), or
/// done with the answer lost on the way back (the caller's silo dying, its call timing out).
/// </summary>
public sealed class LostBlockAnswers
{
    private readonly ConcurrentDictionary<Guid, bool> _releases = new();

    /// <summary>The next release for the booking never reaches its block.</summary>
    public void RefuseNextRelease(Guid bookingId) => _releases[bookingId] = false;

    /// <summary>The next block releases the booking's seats, and the booking hears a timeout instead of its answer.</summary>
    public void LoseNextReleaseAnswer(Guid bookingId) => _releases[bookingId] = true;

    internal async Task Filter(IIncomingGrainCallContext context)
    {
        bool? answerLost = context.Grain is ISeatBlockGrain && context.InterfaceMethod.Name == nameof(ISeatBlockGrain.Release) &&
            context.Request.GetArgument(0) is Guid bookingId && _releases.TryRemove(bookingId, out var lost) ? lost : null;
        if (answerLost == false)
        {
            throw new TimeoutException("The release never reached its block (test).");
        }

        await context.Invoke();
        if (answerLost == true)
        {
            throw new TimeoutException("The block released the seats, and its answer was lost (test).");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

[CollectionDefinition(Name)]
public sealed class RealTimeClusterCollection : ICollectionFixture<RealTimeClusterFixture>
{
    public const string Name = "real-time cluster";
}

/// <summary>Creates events and booking plans the way the API would route them.</summary>
internal static class Scenario
{
    public static Task<EventLayout> PublishedEventAsync(IClusterClient client, params SectionDefinition[] sections) =>
        PublishedEventAsync(client, TimeSpan.FromMinutes(10), sections);

    public static async Task<EventLayout> PublishedEventAsync(IClusterClient client, TimeSpan holdDuration, params SectionDefinition[] sections)
    {
        var id = Guid.NewGuid();
        var grain = client.GetGrain<IEventGrain>(id);
        await grain.Create(new EventDefinition("Test", null, "Hall", TicketingClusterFixture.Start.AddDays(30), "EUR", holdDuration, sections));
        await grain.Publish();
        return (await grain.GetLayout())!;
    }

    public static BookingPlan Seats(EventLayout layout, params string[] seatIds)
    {
        var parts = seatIds
            .Select(id =>
            {
                SeatId.TryParse(id, out var sectionId, out var position);
                return (Block: layout.FindSection(sectionId)!.BlockForRow(position.Row)!, position);
            })
            .GroupBy(x => x.Block)
            .Select(g => new BlockSeats(g.Key, g.Select(x => x.position).ToList()))
            .ToList();
        return new BookingPlan(layout.EventId, "a@example.com", string.Join(',', seatIds), layout.HoldDuration,
            new Money(10 * seatIds.Length, layout.Currency), null, seatIds.Length, parts, []);
    }

    public static BookingPlan BestAvailable(EventLayout layout, string sectionId, int quantity)
    {
        var section = layout.FindSection(sectionId)!;
        return new BookingPlan(layout.EventId, "a@example.com", $"{sectionId}x{quantity}", layout.HoldDuration,
            new Money(10 * quantity, layout.Currency), sectionId, quantity, [], section.Blocks);
    }

    /// <summary>A published event of one section, and a booking holding <paramref name="seats"/> in it.</summary>
    public static async Task<(EventLayout Layout, Guid Id, IBookingGrain Booking)> HeldBookingAsync(IClusterClient client, SectionDefinition section, params string[] seats)
    {
        var layout = await PublishedEventAsync(client, section);
        var (id, _) = await HeldAsync(client, layout, seats);
        return (layout, id, client.GetGrain<IBookingGrain>(id));
    }

    public static async Task<(Guid Id, BookingView Booking)> HeldAsync(IClusterClient client, EventLayout layout, params string[] seatIds)
    {
        var id = Guid.NewGuid();
        var result = await client.GetGrain<IBookingGrain>(id).Hold(Seats(layout, seatIds));
        Assert.Equal(BookingError.None, result.Error);
        return (id, result.Booking!);
    }

    public static async Task Eventually(Func<Task<bool>> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not become true within {seconds} seconds.");
            await Task.Delay(50);
        }
    }

    public static async Task<SeatCounts> CountsAsync(IClusterClient client, SectionLayout section)
    {
        var counts = await Task.WhenAll(section.Blocks.Select(b => client.GetGrain<ISeatBlockGrain>(b.GrainKey).GetCounts()));
        return counts.Aggregate(default(SeatCounts), (sum, c) => sum + c);
    }
}
