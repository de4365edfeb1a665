using Microsoft.Extensions.Options;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Options;
using Ticketing.Hosting.Streams;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>"Orleans:EventStreams": the stream provider over the integration event log.</summary>
public sealed class EventStreamOptionsTests
{
    private static IReadOnlyList<string> Read(params (string, string)[] settings)
    {
        try
        {
            Settings(settings).GetValidatedOptions<EventStreamOptions>(EventStreamOptions.SectionName);
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
    }

    [Fact]
    public void The_defaults_read_the_log_in_two_queues_ten_times_a_second()
    {
        var options = Settings().GetValidatedOptions<EventStreamOptions>(EventStreamOptions.SectionName);
        Assert.Equal(EventStreamProviderKind.EventLog, options.Provider);
        Assert.Equal(2, options.Queues);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CheckpointInterval);
        Assert.Equal(500, options.ReadBatch);
        Assert.Equal(100, options.DeliveryBatch);
        Assert.Equal(4096, options.CacheSize);
    }

    [Fact]
    public void Set_values_are_read()
    {
        var options = Settings(("Orleans:EventStreams:Queues", "8"), ("Orleans:EventStreams:PollInterval", "00:00:00.250"), ("Orleans:EventStreams:Provider", "Memory"))
            .GetValidatedOptions<EventStreamOptions>(EventStreamOptions.SectionName);
        Assert.Equal(EventStreamProviderKind.Memory, options.Provider);
        Assert.Equal(8, options.Queues);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollInterval);
    }

    [Theory]
    [InlineData("Orleans:EventStreams:Provider", "EventHubs")]
    [InlineData("Orleans:EventStreams:Queues", "0")]
    [InlineData("Orleans:EventStreams:PollInterval", "00:00:00")]
    [InlineData("Orleans:EventStreams:CheckpointInterval", "-00:00:01")]
    [InlineData("Orleans:EventStreams:ReadBatch", "0")]
    [InlineData("Orleans:EventStreams:DeliveryBatch", "0")]
    [InlineData("Orleans:EventStreams:CacheSize", "10")]
    public void A_bad_value_fails_naming_its_key(string key, string value) => AssertOneFailureNaming(Read((key, value)), key);

    [Fact]
    public void A_bad_value_also_stops_startup_when_registered_as_options() =>
        AssertOneFailureNaming(
            StartupFailures(services => services.AddValidatedOptions<EventStreamOptions>(Settings(("Orleans:EventStreams:Queues", "65")), EventStreamOptions.SectionName)),
            "Orleans:EventStreams:Queues");
}
