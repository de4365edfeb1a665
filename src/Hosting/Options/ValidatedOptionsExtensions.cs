using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ticketing.Hosting.Options;

/// <summary>
/// The one way settings are read: bound from their configuration section, checked by
/// <see cref="ConfigurationSectionValidator{TOptions}"/>, and checked when the host starts, so that a wrong value
/// stops the host with a message naming its key instead of failing on first use.
/// </summary>
public static class ValidatedOptionsExtensions
{
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string sectionName)
        where TOptions : class
    {
        // Idempotent: the embedded API registers the silo's settings through both its silo and its operations.
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationInstance is ConfigurationSectionValidator<TOptions>))
        {
            return services.AddOptions<TOptions>();
        }

        services.AddSingleton<IValidateOptions<TOptions>>(new ConfigurationSectionValidator<TOptions>(sectionName));
        return services.AddOptions<TOptions>()
            .Configure(options => Bind(configuration, sectionName, options))
            .ValidateOnStart();
    }

    /// <summary>
    /// The same settings where they are needed before the service provider exists (how to build the silo): bound and
    /// checked the same way; throws <see cref="OptionsValidationException"/> naming the key of each wrong value.
    /// </summary>
    public static TOptions GetValidatedOptions<TOptions>(this IConfiguration configuration, string sectionName)
        where TOptions : class, new()
    {
        var options = new TOptions();
        Bind(configuration, sectionName, options);
        var failures = new ConfigurationSectionValidator<TOptions>(sectionName).Failures(options);
        return failures.Count == 0 ? options : throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TOptions), failures);
    }

    private static void Bind<TOptions>(IConfiguration configuration, string sectionName, TOptions options)
        where TOptions : class
    {
        try
        {
            configuration.GetSection(sectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder's own message names the key and the value ("Failed to convert configuration value 'Clinet'
            // at 'Orleans:Mode' ..."); reported as a validation failure like every other wrong setting.
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TOptions), [e.Message]);
        }
    }
}
