namespace Ticketing.Api.Endpoints;

/// <summary>The consumers' side of the integration event log: the pull feed and webhooks.</summary>
public static class IntegrationEventApis
{
    public static IEndpointRouteBuilder MapIntegrationEventApis(this IEndpointRouteBuilder app)
    {
        app.MapFeedApi();
        app.MapWebhooksApi();
        return app;
    }
}
