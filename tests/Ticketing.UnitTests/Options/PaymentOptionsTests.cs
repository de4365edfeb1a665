using Ticketing.Hosting.Cluster;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>The payment settings, as the silo (or the embedded API) registers them with the grains' services.</summary>
public sealed class PaymentOptionsTests
{
    private static IReadOnlyList<string> Start(params (string, string)[] settings) =>
        StartupFailures(services => services.AddTicketingGrainServices(Settings(settings)));

    [Fact]
    public void The_defaults_and_test_timings_start()
    {
        Assert.Empty(Start());
        Assert.Empty(Start(("Payments:Saga:RefundRetryPeriod", "00:00:01"), ("Payments:Resilience:BreakerSamplingDuration", "00:00:01"),
            ("Payments:Simulated:Latency", "00:00:00.001")));
    }

    [Theory]
    [InlineData("Payments:Saga:HoldGrace", "00:00:00")]
    [InlineData("Payments:Saga:RefundRetryPeriod", "-00:01:00")]
    public void A_bad_saga_timing_stops_startup_naming_its_key(string key, string value) =>
        AssertOneFailureNaming(Start((key, value)), key);

    [Theory]
    [InlineData("Payments:Resilience:MaxRetries", "-1")]
    [InlineData("Payments:Resilience:AttemptTimeout", "00:00:00")]
    [InlineData("Payments:Resilience:RetryBaseDelay", "-00:00:01")]
    [InlineData("Payments:Resilience:BreakerFailureRatio", "0")]
    [InlineData("Payments:Resilience:BreakerFailureRatio", "1.5")]
    [InlineData("Payments:Resilience:BreakerMinimumThroughput", "1")]
    [InlineData("Payments:Resilience:BreakerSamplingDuration", "00:00:00.100")]
    [InlineData("Payments:Resilience:BreakDuration", "00:00:00")]
    public void A_bad_resilience_setting_stops_startup_naming_its_key(string key, string value) =>
        AssertOneFailureNaming(Start((key, value)), key);

    [Fact]
    public void The_failure_says_what_is_allowed_and_what_was_configured()
    {
        var failure = Assert.Single(Start(("Payments:Resilience:MaxRetries", "-1")));
        Assert.Contains("between 0 and 100", failure, StringComparison.Ordinal);
        Assert.Contains("'-1'", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Payments:Simulated:Latency", "-00:00:01")]
    [InlineData("Payments:Simulated:SlowLatency", "02:00:00")]
    [InlineData("Payments:Simulated:RefundFailures", "-1")]
    public void A_bad_simulated_provider_setting_stops_startup_naming_its_key(string key, string value) =>
        AssertOneFailureNaming(Start((key, value)), key);

    [Fact]
    public void A_value_that_is_not_a_number_stops_startup_naming_its_key() =>
        AssertOneFailureNaming(Start(("Payments:Resilience:MaxRetries", "two")), "Payments:Resilience:MaxRetries");
}
