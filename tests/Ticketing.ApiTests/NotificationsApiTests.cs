using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Ticketing.Api.Contracts;
using Ticketing.Hosting.Notifications;

namespace Ticketing.ApiTests;

/// <summary>Buyer emails from the log, written as .eml files into a pickup folder (the Development setup).</summary>
public sealed class NotificationsApiTests(NotificationsApiTests.PickupFactory factory) : IClassFixture<NotificationsApiTests.PickupFactory>
{
    public sealed class PickupFactory : TicketingApiFactory
    {
        public string Folder { get; } = Path.Combine(Path.GetTempPath(), "ticketing-notifications-" + Guid.NewGuid().ToString("N"));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Notifications:PickupDirectory", Folder);
            builder.UseSetting("Notifications:FirstRetryDelay", "00:00:00.010");
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (Directory.Exists(Folder))
            {
                Directory.Delete(Folder, recursive: true);
            }
        }
    }

    private readonly HttpClient _client = factory.CreateClient();

    private async Task<List<MimeMessage>> WaitForMessagesAsync(Func<List<MimeMessage>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var messages = Directory.Exists(factory.Folder)
                ? Directory.GetFiles(factory.Folder, "*.eml").Select(f => MimeMessage.Load(f)).ToList()
                : [];
            if (done(messages))
            {
                return messages;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Expected messages did not arrive; {messages.Count} so far.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_buyer_gets_a_confirmation_with_the_tickets_and_a_cancellation_each_once()
    {
        var ev = await _client.CreatePublishedEventAsync();
        var booking = await _client.BookOkAsync(ev.Id, new { email = "nora@example.com", seats = new[] { "A-2-1", "A-2-2" } });
        var paid = await (await _client.PostAsJsonAsync($"/api/bookings/{booking.Id}/payment", new { paymentToken = "tok_visa" })).Content.ReadFromJsonAsync<BookingResponse>(Api.Json);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"/api/bookings/{booking.Id}/cancel", null)).StatusCode);

        var mine = (await WaitForMessagesAsync(m => m.Count(x => x.To.ToString() == "nora@example.com") >= 2))
            .Where(m => m.To.ToString() == "nora@example.com").ToList();

        // Both happen at the same instant of the test clock: told apart by subject, not by date.
        Assert.Equal(2, mine.Count);
        var confirmation = Assert.Single(mine, m => m.Subject == $"Your tickets (booking {booking.Id})");
        Assert.All(paid!.Tickets, t => Assert.Contains($"{t.Seat}: {t.Code}", confirmation.TextBody));
        Assert.Single(mine, m => m.Subject == $"Booking {booking.Id} is cancelled");

        // Running the notifier again from the start sends nothing: every event id was claimed once.
        var notifier = factory.Services.GetRequiredService<BookingNotifier>();
        var ledger = factory.Services.GetRequiredService<INotificationLedger>();
        await ledger.SaveCursorAsync(Ticketing.Grains.Abstractions.LogCursor.Start, CancellationToken.None);
        Assert.Equal(0, await notifier.RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, Directory.GetFiles(factory.Folder, "*.eml").Select(f => MimeMessage.Load(f)).Count(m => m.To.ToString() == "nora@example.com"));
    }
}
