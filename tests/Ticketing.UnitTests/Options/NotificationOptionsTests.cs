using Ticketing.Hosting.Notifications;
using Ticketing.Hosting.Options;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>Buyer email settings, as every silo registers them.</summary>
public sealed class NotificationOptionsTests
{
    private static IReadOnlyList<string> Start(params (string, string)[] settings) =>
        StartupFailures(services => services.AddValidatedOptions<NotificationOptions>(Settings(settings), NotificationOptions.SectionName));

    [Fact]
    public void The_defaults_start_and_send_nothing()
    {
        Assert.Empty(Start());
        Assert.False(new NotificationOptions().IsEnabled);
        Assert.True(new NotificationOptions { PickupDirectory = "out" }.IsEnabled);
        Assert.True(new NotificationOptions { SmtpHost = "smtp.example.com" }.IsEnabled);
    }

    [Theory]
    [InlineData("Notifications:From", "not an address")]
    [InlineData("Notifications:SmtpPort", "0")]
    [InlineData("Notifications:MaxAttempts", "1")]
    [InlineData("Notifications:FirstRetryDelay", "01:00:00")]
    public void A_bad_setting_stops_startup_naming_its_key(string key, string value) =>
        AssertOneFailureNaming(Start((key, value)), key);
}
