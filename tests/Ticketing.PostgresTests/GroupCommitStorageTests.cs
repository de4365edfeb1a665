using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Ticketing.Grains.Domain;
using Ticketing.Hosting.Schema;
using Ticketing.Hosting.Storage;

namespace Ticketing.PostgresTests;

/// <summary>The group-commit grain storage keeps Orleans' storage contract row by row while many grains share a commit.</summary>
public sealed class GroupCommitStorageTests
{
    private const string StateName = "seatBlock";

    private static async Task<(PostgresGroupCommitGrainStorage Storage, ServiceProvider Services)> StartAsync(TestDatabase database, int writers = 2)
    {
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var storage = new PostgresGroupCommitGrainStorage(
            "test",
            "service-a",
            database.ConnectionString,
            new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
            services.GetRequiredService<IActivatorProvider>(),
            new GroupCommitStorageOptions { Writers = writers });
        return (storage, services);
    }

    private static GrainId BlockId() => GrainId.Create("seatblock", $"{Guid.NewGuid():N}/0");

    private static GrainState<SeatBlockState> Empty() => new(new SeatBlockState());

    [PostgresFact]
    public async Task Versions_advance_with_each_write_and_a_stale_or_blind_write_is_refused()
    {
        await using var database = TestDatabase.Unborn();
        var (storage, services) = await StartAsync(database);
        await using var _ = storage;
        await using var __ = services;
        var grainId = BlockId();

        var first = Empty();
        await storage.ReadStateAsync(StateName, grainId, first);
        Assert.Equal((false, (string?)null), (first.RecordExists, first.ETag));

        first.State!.IsOpen = true;
        await storage.WriteStateAsync(StateName, grainId, first);
        Assert.Equal((true, "1"), (first.RecordExists, first.ETag));
        first.State!.Allocations.Add(new SeatAllocation { BookingId = Guid.NewGuid(), Quantity = 2, SeatIndexes = [0, 1] });
        await storage.WriteStateAsync(StateName, grainId, first);
        Assert.Equal("2", first.ETag);

        // A writer that read version 1, and one that never read at all: neither may overwrite version 2.
        var stale = new GrainState<SeatBlockState>(new SeatBlockState { IsOpen = false }, "1");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, stale));
        var blind = Empty();
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, blind));

        var stored = Empty();
        await storage.ReadStateAsync(StateName, grainId, stored);
        Assert.Equal((true, "2", true), (stored.RecordExists, stored.ETag, stored.State!.IsOpen));
        Assert.Equal([0, 1], Assert.Single(stored.State!.Allocations).SeatIndexes);
    }

    [PostgresFact]
    public async Task A_clear_keeps_counting_versions_so_a_writer_from_before_it_still_fails()
    {
        await using var database = TestDatabase.Unborn();
        var (storage, services) = await StartAsync(database);
        await using var _ = storage;
        await using var __ = services;
        var grainId = BlockId();
        var state = Empty();
        state.State!.IsOpen = true;
        await storage.WriteStateAsync(StateName, grainId, state);
        var before = new GrainState<SeatBlockState>(new SeatBlockState(), state.ETag);

        await storage.ClearStateAsync(StateName, grainId, state);
        Assert.Equal((false, "2", false), (state.RecordExists, state.ETag, state.State!.IsOpen));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, before));

        var read = Empty();
        await storage.ReadStateAsync(StateName, grainId, read);
        Assert.Equal((false, "2"), (read.RecordExists, read.ETag));
        read.State!.IsOpen = true;
        await storage.WriteStateAsync(StateName, grainId, read);
        Assert.Equal((true, "3"), (read.RecordExists, read.ETag));
    }

    [PostgresFact]
    public async Task Concurrent_writers_of_many_grains_share_commits_and_only_the_stale_ones_fail()
    {
        await using var database = TestDatabase.Unborn();
        var (storage, services) = await StartAsync(database);
        await using var _ = storage;
        await using var __ = services;
        const int Grains = 300;
        const int WritesPerGrain = 4;
        var grainIds = Enumerable.Range(0, Grains).Select(_ => BlockId()).ToArray();

        // Each grain writes in turn (as an activation does); every tenth also meets a stale writer: one that read the
        // version before the grain's latest write, as a duplicate activation would have.
        async Task<int> WriteGrain(int index)
        {
            var state = Empty();
            var refused = 0;
            for (var n = 1; n <= WritesPerGrain; n++)
            {
                var versionRead = state.ETag;
                state.State!.Allocations.Add(new SeatAllocation { BookingId = Guid.NewGuid(), Quantity = 1, SeatIndexes = [n] });
                await storage.WriteStateAsync(StateName, grainIds[index], state);
                if (index % 10 == 0)
                {
                    var stale = new GrainState<SeatBlockState>(new SeatBlockState(), versionRead);
                    try
                    {
                        await storage.WriteStateAsync(StateName, grainIds[index], stale);
                    }
                    catch (InconsistentStateException)
                    {
                        refused++;
                    }
                }
            }

            return refused;
        }

        var refused = await Task.WhenAll(Enumerable.Range(0, Grains).Select(WriteGrain));

        Assert.Equal(Grains / 10 * WritesPerGrain, refused.Sum());
        for (var i = 0; i < Grains; i++)
        {
            var stored = Empty();
            await storage.ReadStateAsync(StateName, grainIds[i], stored);
            Assert.Equal((WritesPerGrain.ToString(), WritesPerGrain), (stored.ETag, stored.State!.Allocations.Count));
        }

        Assert.True(storage.WriteBatches < Grains * WritesPerGrain / 4,
            $"{storage.WriteBatches} transactions for {Grains * WritesPerGrain} writes: the writes were not grouped.");
    }
}
