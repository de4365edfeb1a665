using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Ticketing.ApiTests;

/// <summary>The real API host refuses to start on a wrong setting, and says which key is wrong.</summary>
public sealed class OptionsValidationTests
{
    private sealed class MisconfiguredApiFactory(string key, string value) : TicketingApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }

    private static string StartupFailure(string key, string value)
    {
        using var factory = new MisconfiguredApiFactory(key, value);
        var failure = Record.Exception(() => factory.CreateClient());
        Assert.NotNull(failure);
        var validation = Flatten(failure).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, $"Expected an options validation failure, got: {failure}");
        return string.Join("\n", validation.Failures);
    }

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException aggregate
            ? [e, .. aggregate.InnerExceptions.SelectMany(Flatten)]
            : e.InnerException is { } inner ? [e, .. Flatten(inner)] : [e];

    [Theory]
    [InlineData("Ticketing:MaxSeatsPerBooking", "0")]
    [InlineData("Payments:Resilience:MaxRetries", "-1")]
    [InlineData("Payments:Saga:HoldGrace", "00:00:00")]
    [InlineData("Dashboard:Username", "")]
    [InlineData("Orleans:Mode", "Clinet")]
    [InlineData("Orleans:AdvertisedIPAddress", "localhost:80")]
    public void A_bad_setting_stops_the_api_at_startup_naming_its_key(string key, string value) =>
        Assert.Contains(key, StartupFailure(key, value), StringComparison.Ordinal);
}
