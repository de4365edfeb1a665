using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace Ticketing.ApiTests;

/// <summary>The rate limits at low settings: 429 problem+json with Retry-After, per customer and per address.</summary>
public sealed class RateLimitTests(RateLimitTests.LimitedFactory factory) : IClassFixture<RateLimitTests.LimitedFactory>
{
    public sealed class LimitedFactory : TicketingApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:CustomerPermits", "3");
            builder.UseSetting("RateLimits:CustomerWindow", "00:01:00");
            builder.UseSetting("RateLimits:AnonymousReadPermits", "5");
            builder.UseSetting("RateLimits:AnonymousReadWindow", "00:01:00");
        }
    }

    [Fact]
    public async Task A_customer_past_its_hold_budget_gets_429_with_retry_after_and_others_are_not_affected()
    {
        using var organizer = factory.CreateClient("olga", "organizer");
        var ev = await organizer.CreatePublishedEventAsync();
        using var alice = factory.CreateClient("alice@example.com", "customer");
        using var bob = factory.CreateClient("bob@example.com", "customer");

        for (var i = 0; i < 3; i++)
        {
            await alice.BookOkAsync(ev.Id, new { section = "GA", quantity = 1 });
        }

        var refused = await alice.BookAsync(ev.Id, new { section = "GA", quantity = 1 });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);

        await bob.BookOkAsync(ev.Id, new { section = "GA", quantity = 1 });
        Assert.Equal(4, Api.AssertInvariantAndCountHeld(await organizer.GetEventAsync(ev.Id)));
    }

    [Fact]
    public async Task Anonymous_reads_are_limited_per_address_and_signed_in_reads_are_not()
    {
        using var anonymous = factory.CreateAnonymousClient();
        using var signedIn = factory.CreateClient("carol", "customer");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await anonymous.GetAsync("/api/events")).StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        var refused = await anonymous.GetAsync("/api/events");
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/events")).StatusCode);
    }
}
