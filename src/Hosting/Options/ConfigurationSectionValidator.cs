using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Ticketing.Hosting.Options;

/// <summary>
/// Checks an options object's data annotations (and, when it has them, its cross-field rules through
/// <see cref="IValidatableObject"/>) and words each failure with the full configuration key, such as
/// "Payments:Resilience:MaxRetries", so that an operator knows which setting to fix.
/// </summary>
public sealed class ConfigurationSectionValidator<TOptions>(string sectionName) : IValidateOptions<TOptions>
    where TOptions : class
{
    public string SectionName { get; } = sectionName;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = Failures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public IReadOnlyList<string> Failures(TOptions options)
    {
        var failures = new List<string>();
        foreach (var property in typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            // The display name is what the attributes' messages print: the key as an operator writes it.
            var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = $"{SectionName}:{property.Name}" };
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateProperty(property.GetValue(options), context, results))
            {
                failures.AddRange(results.Select(r => WithValue(r.ErrorMessage, property.GetValue(options))));
            }
        }

        // Cross-field rules run only on fields that are each valid, as the data annotations validator does.
        if (failures.Count == 0 && options is IValidatableObject validatable)
        {
            failures.AddRange(validatable.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage ?? $"{SectionName} is invalid."));
        }

        return failures;
    }

    private static string WithValue(string? message, object? value) =>
        $"{message ?? "Invalid value."} (configured: '{value}')";
}
