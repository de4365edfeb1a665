using Ticketing.Hosting.Operations;
using Ticketing.Hosting.Options;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

public sealed class DashboardCredentialsTests
{
    private static IReadOnlyList<string> Start(params (string, string)[] settings) =>
        StartupFailures(services => services.AddValidatedOptions<DashboardCredentials>(Settings(settings), DashboardCredentials.SectionName));

    [Fact]
    public void The_default_user_without_a_password_starts() => Assert.Empty(Start());

    [Fact]
    public void An_empty_user_name_stops_startup_naming_its_key() =>
        AssertOneFailureNaming(Start((DeploymentContract.DashboardUserVariable.Replace("__", ":"), "")), "Dashboard:Username");
}
