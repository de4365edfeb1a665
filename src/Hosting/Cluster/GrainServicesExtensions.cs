using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ticketing.Grains;
using Ticketing.Grains.Payments;
using Ticketing.Hosting.Options;
using Ticketing.Hosting.Payments;
using Ticketing.Hosting.Tickets;

namespace Ticketing.Hosting.Cluster;

public static class GrainServicesExtensions
{
    /// <summary>
    /// What the grains need from their host besides storage: the business meters, the saga's timing and the payment
    /// gateway (the simulated provider, with its ledger, behind the resilience pipeline).
    /// </summary>
    public static IServiceCollection AddTicketingGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<TicketingMetrics>();
        services.AddTicketKeys(configuration);
        services.AddValidatedOptions<PaymentSagaOptions>(configuration, PaymentSagaOptions.SectionName);
        services.AddValidatedOptions<PaymentResilienceOptions>(configuration, PaymentResilienceOptions.SectionName);
        services.AddValidatedOptions<SimulatedPaymentOptions>(configuration, SimulatedPaymentOptions.SectionName);
        // The simulated provider's charges and refunds: in PostgreSQL when one is configured, shared by every silo.
        services.AddSingleton<IPaymentLedger>(_ => configuration.GetTicketingConnectionString() is { } connectionString
            ? new PostgresPaymentLedger(connectionString)
            : new InMemoryPaymentLedger());
        // Provider calls are real I/O, so their latency, timeouts and backoff run on real time.
        services.AddSingleton(sp => new SimulatedPaymentProvider(
            sp.GetRequiredService<IOptions<SimulatedPaymentOptions>>(), TimeProvider.System, sp.GetRequiredService<IPaymentLedger>()));
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SimulatedPaymentProvider>());
        services.AddSingleton<IPaymentGateway>(sp => new ResilientPaymentGateway(
            sp.GetRequiredService<IPaymentProvider>(), sp.GetRequiredService<IOptions<PaymentResilienceOptions>>(), TimeProvider.System));
        return services;
    }
}
