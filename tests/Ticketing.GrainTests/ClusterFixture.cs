using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Silo;

namespace Ticketing.GrainTests;

/// <summary>Two in-process silos whose grains run on a fake clock that the tests move.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder();
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddTicketingInMemoryProviders();
            silo.Services.AddSingleton<TimeProvider>(Clock);
            // The silo's own maintenance loops stay on real time; only grains see the fake clock.
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Reads a grain's state as stored, bypassing the grain, to see what it has persisted.</summary>
    public async Task<T> ReadStoredStateAsync<T>(IAddressable grain, string stateName) where T : new()
    {
        var silo = Cluster.GetActiveSilos().First();
        var storage = Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredKeyedService<IGrainStorage>(StorageNames.Ticketing);
        var state = new GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.State ?? new T();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>Creates events and booking plans the way the API would route them.</summary>
internal static class Scenario
{
    public static async Task<EventLayout> PublishedEventAsync(IClusterClient client, params SectionDefinition[] sections)
    {
        var id = Guid.NewGuid();
        var grain = client.GetGrain<IEventGrain>(id);
        await grain.Create(new EventDefinition("Test", null, "Hall", ClusterFixture.Start.AddDays(30), "EUR", TimeSpan.FromMinutes(10), sections));
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

    public static async Task<SeatCounts> CountsAsync(IClusterClient client, SectionLayout section)
    {
        var counts = await Task.WhenAll(section.Blocks.Select(b => client.GetGrain<ISeatBlockGrain>(b.GrainKey).GetCounts()));
        return counts.Aggregate(default(SeatCounts), (sum, c) => sum + c);
    }
}
