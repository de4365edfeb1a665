using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Benchmarks;

/// <summary>
/// The seat-block rules alone, without Orleans or HTTP: what one hold and its release cost inside a block of 500
/// seats that is already half full (so searches do real work).
/// </summary>
[MemoryDiagnoser]
public class SeatBlockBenchmarks
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private SeatBlock _block = null!;
    private SeatPosition[] _seats = [];
    private readonly Guid _booking = Guid.NewGuid();

    [Params(1, 2, 10)]
    public int Seats { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _block = new SeatBlock(new SeatBlockState());
        _block.Open(new BlockDefinition(Guid.Empty, 0, "A", SectionKind.Seated, 1, 20, 25, 0));
        // Every other row taken: best available has to skip ten rows.
        for (var row = 1; row <= 20; row += 2)
        {
            _block.HoldSeats(Guid.NewGuid(), Enumerable.Range(1, 25).Select(n => new SeatPosition(row, n)).ToArray(), Now.AddHours(1), Now);
        }

        _seats = Enumerable.Range(1, Seats).Select(n => new SeatPosition(20, n)).ToArray();
    }

    [Benchmark]
    public bool HoldAndReleaseSpecificSeats()
    {
        _block.HoldSeats(_booking, _seats, Now.AddMinutes(10), Now);
        return _block.Release(_booking, Now);
    }

    [Benchmark]
    public bool HoldAndReleaseBestAvailable()
    {
        _block.HoldBestAvailable(_booking, Seats, BestAvailableMode.AdjacentInRow, Now.AddMinutes(10), Now);
        return _block.Release(_booking, Now);
    }

    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(SeatBlockBenchmarks).Assembly).Run(args);
}
