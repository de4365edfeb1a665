using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Ticketing.Grains.Domain;
using Ticketing.Hosting.Storage;

namespace Ticketing.UnitTests.Storage;

/// <summary>The embedded default's grain storage keeps Orleans' contract: versions, stale writers refused, clear.</summary>
public sealed class InProcessGrainStorageTests : IDisposable
{
    private const string StateName = "seatBlock";
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly InProcessGrainStorage _storage;
    private readonly GrainId _grain = GrainId.Create("seatblock", $"{Guid.NewGuid():N}/0");

    public InProcessGrainStorageTests() =>
        _storage = new InProcessGrainStorage("test", new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
            _services.GetRequiredService<IActivatorProvider>());

    public void Dispose() => _services.Dispose();

    private static GrainState<SeatBlockState> Empty() => new(new SeatBlockState());

    [Fact]
    public async Task A_written_state_reads_back_as_a_copy_with_its_version()
    {
        var written = Empty();
        written.State!.IsOpen = true;
        await _storage.WriteStateAsync(StateName, _grain, written);
        written.State!.IsOpen = false; // the stored copy must not change with the grain's memory

        var read = Empty();
        await _storage.ReadStateAsync(StateName, _grain, read);
        Assert.Equal((true, "1", true), (read.RecordExists, read.ETag, read.State!.IsOpen));
        Assert.NotSame(written.State, read.State);
    }

    [Fact]
    public async Task A_writer_that_read_an_older_version_or_never_read_is_refused_and_changes_nothing()
    {
        var owner = Empty();
        await _storage.WriteStateAsync(StateName, _grain, owner);
        var stale = new GrainState<SeatBlockState>(new SeatBlockState { IsOpen = true }, owner.ETag);
        owner.State!.Allocations.Add(new SeatAllocation { BookingId = Guid.NewGuid(), Quantity = 1, SeatIndexes = [4] });
        await _storage.WriteStateAsync(StateName, _grain, owner);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, _grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, _grain, Empty()));

        var read = Empty();
        await _storage.ReadStateAsync(StateName, _grain, read);
        Assert.Equal(("2", false), (read.ETag, read.State!.IsOpen));
        Assert.Equal([4], Assert.Single(read.State!.Allocations).SeatIndexes);
    }

    [Fact]
    public async Task A_clear_keeps_counting_versions()
    {
        var state = Empty();
        state.State!.IsOpen = true;
        await _storage.WriteStateAsync(StateName, _grain, state);
        var beforeClear = new GrainState<SeatBlockState>(new SeatBlockState(), state.ETag);

        await _storage.ClearStateAsync(StateName, _grain, state);
        Assert.Equal((false, "2", false), (state.RecordExists, state.ETag, state.State!.IsOpen));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, _grain, beforeClear));

        var read = Empty();
        await _storage.ReadStateAsync(StateName, _grain, read);
        Assert.Equal((false, "2"), (read.RecordExists, read.ETag));
        await _storage.WriteStateAsync(StateName, _grain, read);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task Of_many_concurrent_writers_naming_the_same_version_exactly_one_wins()
    {
        var first = Empty();
        await _storage.WriteStateAsync(StateName, _grain, first);
        var writers = Enumerable.Range(0, 64).Select(_ => new GrainState<SeatBlockState>(new SeatBlockState(), first.ETag)).ToList();

        var outcomes = await Task.WhenAll(writers.Select(w => Task.Run(async () =>
        {
            try
            {
                await _storage.WriteStateAsync(StateName, _grain, w);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Equal(1, outcomes.Count(won => won));
    }
}
