using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ticketing.BrowserTests;

/// <summary>People buying tickets in a real browser at /, against the real API on a real port.</summary>
public sealed class BoxOfficeTests(BoxOfficeFixture fixture) : IClassFixture<BoxOfficeFixture>
{
    private async Task<IPage> SignedInPageAsync(string subject, string role = "customer", int width = 1200)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Sign in as").FillAsync(subject);
        await page.GetByLabel("Role").SelectOptionAsync(role);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#whoami")).ToHaveTextAsync($"Signed in as {subject} ({role})");
        return page;
    }

    private static async Task PayAndSeeTicketsAsync(IPage page, int tickets)
    {
        await Expect(page.Locator("#countdown")).ToContainTextAsync("left");
        await page.Locator("#pay").ClickAsync();
        await Expect(page.Locator("#tickets li")).ToHaveCountAsync(tickets);
    }

    [BrowserFact]
    public async Task A_buyer_goes_from_the_event_list_to_a_confirmed_ticket()
    {
        var name = $"Opening Night {Guid.NewGuid():N}"[..24];
        await fixture.PublishedEventAsync(name);
        var page = await SignedInPageAsync("bea@example.com");

        await page.GetByLabel("Search events").FillAsync(name);
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.Locator("rect[data-seat='A-1-1']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("Free"));
        await page.Locator("rect[data-seat='A-3-7']").ClickAsync();
        await page.Locator("rect[data-seat='A-3-8']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#picked")).ToHaveTextAsync("Selected: A-3-7, A-3-8");
        // The README's picture: refreshed only when asked (UPDATE_SCREENSHOTS=1), so that a test run leaves the checkout as it was.
        var screenshot = Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(BoxOfficeFixture.Root, "docs", "images", "box-office.png")
            : Path.Combine(AppContext.BaseDirectory, "box-office.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });

        await page.Locator("#hold-selected").ClickAsync();
        await PayAndSeeTicketsAsync(page, 2);
        await Expect(page.Locator("#tickets")).ToContainTextAsync("A-3-7");
    }

    [BrowserFact]
    public async Task Two_pages_see_each_others_holds_within_a_second()
    {
        var id = await fixture.PublishedEventAsync("Live Colours");
        var watcher = await SignedInPageAsync("wes@example.com", width: 390); // phone width
        var buyer = await SignedInPageAsync("bo@example.com");
        await watcher.GotoAsync($"/#/events/{id}");
        await buyer.GotoAsync($"/#/events/{id}");
        await Expect(watcher.Locator("rect[data-seat='A-5-5']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("Free"));
        await Expect(watcher.Locator("[data-live='on']")).ToHaveCountAsync(1); // the page follows the stream (its snapshot is in)

        await buyer.Locator("rect[data-seat='A-5-5']").ClickAsync();
        await buyer.Locator("#hold-selected").ClickAsync();
        await Expect(buyer.Locator("#countdown")).ToBeVisibleAsync();

        // The hold was answered (201, the booking page shows its countdown): the other page turns the seat Held within a second.
        await Expect(watcher.Locator("rect[data-seat='A-5-5']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("Held"), new() { Timeout = 1000 });

        // And the other way round.
        await watcher.Locator("rect[data-seat='A-6-1']").ClickAsync();
        await watcher.Locator("#hold-selected").ClickAsync();
        await Expect(watcher.Locator("#countdown")).ToBeVisibleAsync();
        await buyer.GotoAsync($"/#/events/{id}");
        await Expect(buyer.Locator("rect[data-seat='A-6-1']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("Held"));
    }

    [BrowserFact]
    public async Task A_queued_buyer_is_admitted_and_then_buys()
    {
        var id = await fixture.PublishedEventAsync("Queued Sale", new { admitPerMinute = 600 });
        var page = await SignedInPageAsync("quinn@example.com");
        await page.GotoAsync($"/#/events/{id}");
        await page.Locator("#best-quantity").FillAsync("1");
        await page.Locator("#hold-best").ClickAsync();

        // Refused for want of an admission: the page joins the queue, waits, and comes back by itself once admitted.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/queue/"));
        await Expect(page.Locator("#message")).ToHaveTextAsync("It is your turn: pick your seats.", new() { Timeout = 15_000 });
        await page.Locator("#best-quantity").FillAsync("1");
        await page.Locator("#hold-best").ClickAsync();
        await PayAndSeeTicketsAsync(page, 1);
    }
}
