using Ticketing.Grains.Webhooks;
using Ticketing.Hosting.Options;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>Webhook delivery settings, as every host registers them.</summary>
public sealed class WebhookOptionsTests
{
    private static IReadOnlyList<string> Start(params (string, string)[] settings) =>
        StartupFailures(services => services.AddValidatedOptions<WebhookOptions>(Settings(settings), WebhookOptions.SectionName));

    [Fact]
    public void The_defaults_start_and_refuse_private_networks()
    {
        Assert.Empty(Start());
        var defaults = new WebhookOptions();
        Assert.Equal((false, TimeSpan.FromHours(24), TimeSpan.FromSeconds(10)), (defaults.AllowPrivateNetworks, defaults.RetryFor, defaults.FirstRetryDelay));
    }

    [Theory]
    [InlineData("Webhooks:AllowPrivateNetworks", "sometimes")]
    [InlineData("Webhooks:PollInterval", "00:00:00")]
    [InlineData("Webhooks:FirstRetryDelay", "00:00:00")]
    [InlineData("Webhooks:MaxRetryDelay", "2.00:00:00")]
    [InlineData("Webhooks:RetryFor", "00:00:00")]
    [InlineData("Webhooks:AttemptTimeout", "00:10:00")]
    [InlineData("Webhooks:DeliveryLogSize", "0")]
    public void A_bad_setting_stops_startup_naming_its_key(string key, string value) =>
        AssertOneFailureNaming(Start((key, value)), key);
}
