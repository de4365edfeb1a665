using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ticketing.Hosting.Operations;

/// <summary>Who may scrape /metrics ("Metrics:AllowedNetworks"): CIDR ranges; empty means anyone.</summary>
public sealed class MetricsAccessOptions : IValidatableObject
{
    public const string SectionName = "Metrics";

    public List<string> AllowedNetworks { get; set; } = [];

    public IReadOnlyList<IPNetwork> Networks() =>
        AllowedNetworks.Select(n => IPNetwork.TryParse(n, out var network) ? network : default).Where(n => n.BaseAddress is not null).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowedNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AllowedNetworks)} must list networks in CIDR form such as 10.0.0.0/8, not '{network}'.", [nameof(AllowedNetworks)]);
        }
    }
}

/// <summary>Refuses /metrics (403 problem+json) to addresses outside the configured networks.</summary>
public sealed class MetricsAccessMiddleware(RequestDelegate next, IOptions<MetricsAccessOptions> options)
{
    private readonly IReadOnlyList<IPNetwork> _networks = options.Value.Networks();

    public async Task InvokeAsync(HttpContext context)
    {
        if (_networks.Count > 0 && context.Request.Path.StartsWithSegments(DeploymentContract.MetricsPath, StringComparison.OrdinalIgnoreCase)
            && !IsAllowed(context.Connection.RemoteIpAddress))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            // A host without problem details (a bare silo) answers the status alone.
            if (context.RequestServices.GetService<IProblemDetailsService>() is { } problems)
            {
                await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = "Metrics are served only to the configured networks (Metrics:AllowedNetworks)." },
                });
            }

            return;
        }

        await next(context);
    }

    private bool IsAllowed(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(normalized));
    }
}
