using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ticketing.Grains.Webhooks;
using Ticketing.Hosting.Cluster;
using Ticketing.Hosting.Events;
using Ticketing.Hosting.Notifications;
using Ticketing.Hosting.Options;
using Ticketing.Hosting.Search;

namespace Ticketing.Hosting.Webhooks;

public static class IntegrationEventsExtensions
{
    /// <summary>Webhook settings, for every host that registers endpoints or delivers to them.</summary>
    public static IServiceCollection AddWebhookOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WebhookOptions>(configuration, WebhookOptions.SectionName);
        return services;
    }

    /// <summary>
    /// What a silo runs for the integration event log's consumers: webhook delivery (the sender, on real time since
    /// it is network I/O, and the dispatcher that wakes the endpoints).
    /// </summary>
    public static IServiceCollection AddTicketingIntegrationEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWebhookOptions(configuration);
        services.TryAddSingleton<IWebhookSender>(sp => new HttpWebhookSender(sp.GetRequiredService<IOptions<WebhookOptions>>(), TimeProvider.System));
        services.AddHostedService<WebhookDispatcher>();
        services.AddEventSearch(configuration);
        services.AddHostedService<EventSearchProjectionService>();
        services.AddBookingNotifications(configuration);
        return services;
    }

    /// <summary>
    /// Buyer emails: by SMTP with Notifications:SmtpHost, else as .eml files into Notifications:PickupDirectory
    /// (Development sets one), else none. The ledger lives where the log does.
    /// </summary>
    public static IServiceCollection AddBookingNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<NotificationOptions>(configuration, NotificationOptions.SectionName);
        if (configuration.GetTicketingConnectionString() is not null)
        {
            services.TryAddSingleton<INotificationLedger>(sp => new PostgresNotificationLedger(sp.GetRequiredService<EventLogDataSource>().DataSource));
        }
        else
        {
            services.TryAddSingleton<INotificationLedger, InMemoryNotificationLedger>();
        }

        services.TryAddSingleton<IEmailSender>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NotificationOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.SmtpHost)
                ? new PickupDirectoryEmailSender(Path.GetFullPath(options.PickupDirectory ?? "notifications", AppContext.BaseDirectory))
                : new SmtpEmailSender(options);
        });
        services.AddSingleton<BookingNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<BookingNotifier>());
        return services;
    }

    /// <summary>
    /// The event search index (PostgreSQL with ConnectionStrings:Ticketing, memory otherwise) and the projection that
    /// feeds it from the log; the API searches it, catching the projection up first.
    /// </summary>
    public static IServiceCollection AddEventSearch(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetTicketingConnectionString() is not null)
        {
            services.TryAddSingleton<IEventSearchIndex>(sp => new PostgresEventSearchIndex(sp.GetRequiredService<EventLogDataSource>().DataSource));
        }
        else
        {
            services.TryAddSingleton<IEventSearchIndex, InMemoryEventSearchIndex>();
        }

        services.TryAddSingleton<EventSearchProjection>();
        return services;
    }
}
