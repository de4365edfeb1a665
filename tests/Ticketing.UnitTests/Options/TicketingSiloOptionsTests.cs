using Microsoft.Extensions.Options;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Operations;
using Ticketing.Hosting.Options;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>The "Orleans" settings, read before the host exists (to choose how to build the silo) and at startup.</summary>
public sealed class TicketingSiloOptionsTests
{
    private static IReadOnlyList<string> ReadBeforeTheHost(params (string, string)[] settings)
    {
        try
        {
            Settings(settings).GetTicketingOptions();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
    }

    [Fact]
    public void The_defaults_are_the_deployment_contract_ports()
    {
        var options = Settings().GetTicketingOptions();
        Assert.Equal(DeploymentContract.SiloPort, options.SiloPort);
        Assert.Equal(DeploymentContract.GatewayPort, options.GatewayPort);
        Assert.Equal(ApiHostingMode.Embedded, options.Mode);
    }

    [Fact]
    public void The_contract_variables_set_the_settings_they_name()
    {
        // Environment variables reach configuration with "__" as the section separator.
        var options = Settings(
            (DeploymentContract.ApiModeVariable.Replace("__", ":"), "client"),
            (DeploymentContract.ClusterIdVariable.Replace("__", ":"), "blue"),
            (DeploymentContract.ServiceIdVariable.Replace("__", ":"), "tickets")).GetTicketingOptions();
        Assert.Equal(ApiHostingMode.Client, options.Mode);
        Assert.Equal("blue", options.ClusterId);
        Assert.Equal("tickets", options.ServiceId);
        Assert.Equal($"ConnectionStrings:{TicketingSiloOptions.ConnectionStringName}", DeploymentContract.ConnectionStringVariable.Replace("__", ":"));
    }

    [Theory]
    [InlineData("Orleans:SiloPort", "-1")]
    [InlineData("Orleans:GatewayPort", "65536")]
    [InlineData("Orleans:AdvertisedIPAddress", "not-an-address")]
    [InlineData("Orleans:ClusterId", "")]
    [InlineData("Orleans:Mode", "Clinet")]
    [InlineData("Orleans:Mode", "7")]
    [InlineData("Orleans:GrainStorage", "Redis")]
    public void A_bad_value_fails_before_the_host_is_built_naming_its_key(string key, string value) =>
        AssertOneFailureNaming(ReadBeforeTheHost((key, value)), key);

    [Fact]
    public void The_silo_and_gateway_ports_must_differ()
    {
        var failure = Assert.Single(ReadBeforeTheHost(("Orleans:SiloPort", "5000"), ("Orleans:GatewayPort", "5000")));
        Assert.Contains("Orleans:SiloPort", failure, StringComparison.Ordinal);
        Assert.Contains("Orleans:GatewayPort", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_also_stops_startup_when_registered_as_options() =>
        AssertOneFailureNaming(
            StartupFailures(services => services.AddValidatedOptions<TicketingSiloOptions>(Settings(("Orleans:SiloPort", "-5")), TicketingSiloOptions.SectionName)),
            "Orleans:SiloPort");
}

/// <summary>"Orleans:Failover": how fast a dead silo is noticed and how long the API waits for a grain.</summary>
public sealed class FailoverOptionsTests
{
    private static IReadOnlyList<string> Read(params (string, string)[] settings)
    {
        try
        {
            Settings(settings).GetValidatedOptions<FailoverOptions>(FailoverOptions.SectionName);
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
    }

    [Fact]
    public void The_defaults_notice_a_dead_silo_in_seconds()
    {
        var options = Settings().GetValidatedOptions<FailoverOptions>(FailoverOptions.SectionName);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ProbeTimeout);
        Assert.Equal(2, options.MissedProbesLimit);
        Assert.Equal(2, options.VotesForDeath);
        Assert.Equal(TimeSpan.FromSeconds(5), options.TableRefresh);
        Assert.Equal(TimeSpan.FromSeconds(3), options.DirectoryLease);
        Assert.Equal(GrainDirectoryKind.Distributed, options.GrainDirectory);
        // 3 s (+ Orleans' 1 s check) keeps a buyer's wait under 5 s during failover; organizer fan-outs carry their own 30 s.
        Assert.Equal(TimeSpan.FromSeconds(3), options.ClientResponseTimeout);
    }

    [Fact]
    public void Set_values_are_read()
    {
        var options = Settings(("Orleans:Failover:ProbeTimeout", "00:00:02"), ("Orleans:Failover:GrainDirectory", "Classic"),
            ("Orleans:Failover:ClientResponseTimeout", "00:00:10"), ("Orleans:Failover:DirectoryLease", "00:00:00"))
            .GetValidatedOptions<FailoverOptions>(FailoverOptions.SectionName);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProbeTimeout);
        Assert.Equal(GrainDirectoryKind.Classic, options.GrainDirectory);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ClientResponseTimeout);
        Assert.Equal(TimeSpan.Zero, options.DirectoryLease);
    }

    [Theory]
    [InlineData("Orleans:Failover:ProbeTimeout", "00:00:00.100")]
    [InlineData("Orleans:Failover:ProbeTimeout", "soon")]
    [InlineData("Orleans:Failover:MissedProbesLimit", "0")]
    [InlineData("Orleans:Failover:VotesForDeath", "11")]
    [InlineData("Orleans:Failover:TableRefresh", "00:00:00")]
    [InlineData("Orleans:Failover:ClientResponseTimeout", "00:00:00.100")]
    [InlineData("Orleans:Failover:DirectoryLease", "-00:00:01")]
    [InlineData("Orleans:Failover:GrainDirectory", "Redis")]
    public void A_bad_value_fails_naming_its_key(string key, string value) => AssertOneFailureNaming(Read((key, value)), key);

    [Fact]
    public void A_bad_value_also_stops_startup_when_registered_as_options() =>
        AssertOneFailureNaming(
            StartupFailures(services => services.AddValidatedOptions<FailoverOptions>(Settings(("Orleans:Failover:VotesForDeath", "0")), FailoverOptions.SectionName)),
            "Orleans:Failover:VotesForDeath");
}
