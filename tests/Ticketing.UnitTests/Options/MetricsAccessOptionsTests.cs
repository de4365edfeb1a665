using System.Net;
using Ticketing.Hosting.Operations;
using Ticketing.Hosting.Options;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

public sealed class MetricsAccessOptionsTests
{
    private static IReadOnlyList<string> Start(params (string, string)[] settings) =>
        StartupFailures(services => services.AddValidatedOptions<MetricsAccessOptions>(Settings(settings), MetricsAccessOptions.SectionName));

    [Fact]
    public void No_networks_means_metrics_are_open() => Assert.Empty(Start());

    [Fact]
    public void Networks_in_cidr_form_are_accepted_and_contain_their_addresses()
    {
        Assert.Empty(Start(("Metrics:AllowedNetworks:0", "10.0.0.0/8"), ("Metrics:AllowedNetworks:1", "::1/128")));
        var networks = new MetricsAccessOptions { AllowedNetworks = ["10.0.0.0/8"] }.Networks();

        Assert.True(networks.Single().Contains(IPAddress.Parse("10.1.2.3")));
        Assert.False(networks.Single().Contains(IPAddress.Parse("192.168.1.1")));
    }

    [Fact]
    public void A_network_that_is_not_cidr_stops_startup_naming_its_key() =>
        AssertOneFailureNaming(Start(("Metrics:AllowedNetworks:0", "10.0.0.0")), "Metrics:AllowedNetworks");
}
