using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Ticketing.Grains;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Schema;

namespace Ticketing.PostgresTests;

/// <summary>Two writers of one seat block: the stale one is refused, and what the other wrote is kept.</summary>
public sealed class StaleWriteTests
{
    private static async Task<(InProcessTestCluster Cluster, IGrainStorage Storage)> StartAsync(string connectionString)
    {
        await SchemaMigrator.MigrateAsync(connectionString);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorage(ProviderNames.GrainState, o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString));
            silo.AddMemoryGrainStorage(ProviderNames.PubSubStore);
            silo.UseInMemoryReminderService();
            silo.Services.AddTicketingGrainServices(new ConfigurationBuilder().Build());
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var silo = cluster.GetActiveSilos().Single();
        return (cluster, cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredKeyedService<IGrainStorage>(ProviderNames.GrainState));
    }

    private static async Task<EventLayout> PublishedEventAsync(IClusterClient client)
    {
        var grain = client.GetGrain<IEventGrain>(Guid.NewGuid());
        await grain.Create(new EventDefinition("Stale", null, "Hall", DateTimeOffset.UtcNow.AddDays(30), "EUR", TimeSpan.FromMinutes(10),
            [SectionDefinition.Seated("A", "Floor", 2, 10, 10)]));
        await grain.Publish();
        return (await grain.GetLayout())!;
    }

    private static BookingPlan Plan(EventLayout layout, params int[] numbers)
    {
        var block = layout.Sections[0].Blocks[0];
        return new BookingPlan(layout.EventId, "a@example.com", string.Join(",", numbers), layout.HoldDuration, new Money(10, "EUR"), "A",
            numbers.Length, [new BlockSeats(block, numbers.Select(n => new SeatPosition(1, n)).ToList())], []);
    }

    [PostgresFact]
    public async Task The_storage_refuses_a_write_based_on_an_old_version()
    {
        await using var database = TestDatabase.Unborn();
        var (cluster, storage) = await StartAsync(database.ConnectionString);
        await using var _ = cluster;
        var grainId = GrainId.Create("seatblock", $"{Guid.NewGuid():N}/0");
        var first = new GrainState<SeatBlockState>(new SeatBlockState());
        var second = new GrainState<SeatBlockState>(new SeatBlockState());
        await storage.ReadStateAsync("seatBlock", grainId, first);
        await storage.ReadStateAsync("seatBlock", grainId, second);

        first.State!.IsOpen = true;
        await storage.WriteStateAsync("seatBlock", grainId, first);
        second.State!.Allocations.Add(new SeatAllocation { BookingId = Guid.NewGuid(), Quantity = 1, SeatIndexes = [3] });

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("seatBlock", grainId, second));
        var stored = new GrainState<SeatBlockState>(new SeatBlockState());
        await storage.ReadStateAsync("seatBlock", grainId, stored);
        Assert.True(stored.State!.IsOpen);
        Assert.Empty(stored.State!.Allocations);
    }

    [PostgresFact]
    public async Task A_seat_block_that_meets_a_newer_write_fails_the_request_reloads_and_keeps_the_other_writers_seats()
    {
        await using var database = TestDatabase.Unborn();
        var (cluster, storage) = await StartAsync(database.ConnectionString);
        await using var _ = cluster;
        var client = cluster.Client;
        var layout = await PublishedEventAsync(client);
        var blockGrain = client.GetGrain<ISeatBlockGrain>(layout.Sections[0].Blocks[0].GrainKey);
        Assert.Equal(BookingError.None, (await client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Plan(layout, 1))).Error);

        // A second writer (as a duplicate activation elsewhere would) holds seat 5 behind this activation's back.
        var other = new GrainState<SeatBlockState>(new SeatBlockState());
        await storage.ReadStateAsync("seatBlock", blockGrain.GetGrainId(), other);
        other.State!.Allocations.Add(new SeatAllocation { BookingId = Guid.NewGuid(), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10), Quantity = 1, SeatIndexes = [4] });
        await storage.WriteStateAsync("seatBlock", blockGrain.GetGrainId(), other);

        await Assert.ThrowsAsync<InconsistentStateException>(() => client.GetGrain<IBookingGrain>(Guid.NewGuid()).Hold(Plan(layout, 6)));

        var seats = (await blockGrain.GetSeats()).Where(s => s.Position.Row == 1).ToDictionary(s => s.Position.Number, s => s.Status);
        Assert.Equal((SeatStatus.Held, SeatStatus.Held, SeatStatus.Free), (seats[1], seats[5], seats[6]));
        Assert.Equal(new SeatCounts(20, 18, 2, 0), await blockGrain.GetCounts());
    }
}
