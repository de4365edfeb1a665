using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>Runs the checks a host runs when it starts (ValidateOnStart), over in-memory settings.</summary>
internal static class OptionsStartupValidation
{
    public static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    /// <summary>The messages with which startup fails, or none when it succeeds.</summary>
    public static IReadOnlyList<string> StartupFailures(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        using var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
        catch (AggregateException e)
        {
            return e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(x => x.Failures).ToList();
        }
    }

    public static void AssertOneFailureNaming(IReadOnlyList<string> failures, string key)
    {
        var failure = Assert.Single(failures);
        Assert.Contains(key, failure, StringComparison.Ordinal);
    }
}
