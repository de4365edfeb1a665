using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ticketing.Grains.Tickets;
using Ticketing.Hosting.Options;

namespace Ticketing.Hosting.Tickets;

public static class TicketServicesExtensions
{
    /// <summary>The ticket key ring (signs codes in the silo, checks them in the API); registering it twice is harmless.</summary>
    public static IServiceCollection AddTicketKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TicketKeyOptions>(configuration, TicketKeyOptions.SectionName);
        services.TryAddSingleton<EcdsaTicketKeyRing>();
        services.TryAddSingleton<ITicketKeyRing>(sp => sp.GetRequiredService<EcdsaTicketKeyRing>());
        services.TryAddSingleton<ITicketSigner>(sp => sp.GetRequiredService<EcdsaTicketKeyRing>());
        return services;
    }
}
