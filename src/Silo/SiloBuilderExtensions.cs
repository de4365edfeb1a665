using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Ticketing.Grains;
using Ticketing.Grains.Payments;
using Ticketing.Silo.Payments;

namespace Ticketing.Silo;

/// <summary>The silo's configuration, shared by the headless silo host and the API's embedded mode.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Configures a Ticketing silo. Without a database this is the embedded default: localhost clustering,
    /// in-memory grain storage, reminders and memory streams, so one process runs everything.
    /// </summary>
    public static ISiloBuilder AddTicketingSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(TicketingSiloOptions.SectionName).Get<TicketingSiloOptions>() ?? new TicketingSiloOptions();

        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        silo.AddTicketingInMemoryProviders();
        silo.Services.AddTicketingPayments(configuration);
        silo.AddDashboard();
        return silo;
    }

    /// <summary>The storage, reminder and stream providers the grains need, kept in memory (not durable).</summary>
    public static ISiloBuilder AddTicketingInMemoryProviders(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Ticketing);
        silo.AddMemoryGrainStorage(StorageNames.PubSub);
        silo.AddMemoryStreams(StorageNames.BookingStream);
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>The payment gateway the booking grains use: the simulated provider behind the resilience pipeline.</summary>
    public static IServiceCollection AddTicketingPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PaymentSagaOptions>(configuration.GetSection(PaymentSagaOptions.SectionName));
        services.Configure<PaymentResilienceOptions>(configuration.GetSection(PaymentResilienceOptions.SectionName));
        services.Configure<SimulatedPaymentOptions>(configuration.GetSection(SimulatedPaymentOptions.SectionName));
        // Provider calls are real I/O, so their latency, timeouts and backoff run on real time.
        services.AddSingleton(sp => new SimulatedPaymentProvider(sp.GetRequiredService<IOptions<SimulatedPaymentOptions>>(), TimeProvider.System));
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SimulatedPaymentProvider>());
        services.AddSingleton<IPaymentGateway>(sp => new ResilientPaymentGateway(
            sp.GetRequiredService<IPaymentProvider>(), sp.GetRequiredService<IOptions<PaymentResilienceOptions>>(), TimeProvider.System));
        return services;
    }
}
