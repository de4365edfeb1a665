using Ticketing.Hosting.Options;
using Ticketing.Hosting.Storage;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>The group-commit storage's tuning, as a PostgreSQL silo registers it.</summary>
public sealed class GroupCommitStorageOptionsTests
{
    private static IReadOnlyList<string> Start(params (string, string)[] settings) =>
        StartupFailures(services => services.AddValidatedOptions<GroupCommitStorageOptions>(Settings(settings), GroupCommitStorageOptions.SectionName));

    [Fact]
    public void The_defaults_start() => Assert.Empty(Start());

    [Theory]
    [InlineData("Orleans:GroupCommit:MaxBatchSize", "0")]
    [InlineData("Orleans:GroupCommit:Writers", "0")]
    [InlineData("Orleans:GroupCommit:Writers", "64")]
    [InlineData("Orleans:GroupCommit:Readers", "-1")]
    [InlineData("Orleans:GroupCommit:Readers", "many")]
    public void A_bad_setting_stops_startup_naming_its_key(string key, string value) =>
        AssertOneFailureNaming(Start((key, value)), key);
}
