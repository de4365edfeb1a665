using System.Net;
using System.Net.Http.Json;

namespace Ticketing.PostgresTests;

public sealed class CrashRestartTests
{
    [PostgresFact]
    public async Task Events_holds_sales_and_bookings_survive_kill_9_and_holds_still_expire_on_time()
    {
        await using var database = TestDatabase.Unborn();
        int httpPort = HostProcess.FreePort(), siloPort = HostProcess.FreePort(), gatewayPort = HostProcess.FreePort();
        using var http = Http.Client(httpPort);

        var first = HostProcess.StartApi(database.ConnectionString, httpPort, siloPort, gatewayPort);
        string eventId, heldId, paidId;
        DateTimeOffset heldExpiresAt;
        try
        {
            await first.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
            // The hold must outlive a cold restart of the host, which takes 20 s and more on a busy 2-core machine while
            // the other PostgreSQL test classes start their own hosts (25 s made this test fail once in a full run).
            eventId = await http.CreatePublishedEventAsync(holdSeconds: 60, [new { id = "A", name = "Floor", rows = 4, seatsPerRow = 10, price = 30m }]);
            var held = await http.BookAsync(eventId, "A-1-1", "A-1-2");
            heldId = held.GetProperty("id").GetString()!;
            heldExpiresAt = held.GetProperty("expiresAt").GetDateTimeOffset();
            var paid = await http.BookAsync(eventId, "A-2-1");
            paidId = paid.GetProperty("id").GetString()!;
            var confirmed = await (await http.PostAsJsonAsync($"/api/bookings/{paidId}/payment", new { paymentToken = "tok_visa" })).JsonAsync(HttpStatusCode.OK);
            Assert.Equal("Confirmed", confirmed.GetProperty("status").GetString());
        }
        finally
        {
            // No graceful shutdown: whatever was acknowledged must already be in PostgreSQL.
            await first.KillAsync();
        }

        await using var second = HostProcess.StartApi(database.ConnectionString, httpPort, siloPort, gatewayPort);
        await second.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        Assert.True(DateTimeOffset.UtcNow < heldExpiresAt.AddSeconds(-5),
            $"The restarted host served only at {DateTimeOffset.UtcNow:HH:mm:ss}, too close to the hold's expiry ({heldExpiresAt:HH:mm:ss}) to check it is still held.");

        var ev = await (await http.GetAsync($"/api/events/{eventId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("OnSale", ev.GetProperty("status").GetString());
        var seats = await http.SeatMapAsync(eventId, "A");
        Assert.Equal(("Held", "Held", "Sold", "Free"), (seats["A-1-1"], seats["A-1-2"], seats["A-2-1"], seats["A-3-1"]));
        Assert.Equal((2, 1), await http.AssertInvariantAsync(eventId));
        Assert.Equal("Held", await http.BookingStatusAsync(heldId));
        var paidBooking = await (await http.GetAsync($"/api/bookings/{paidId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Confirmed", paidBooking.GetProperty("status").GetString());
        Assert.Single(paidBooking.GetProperty("tickets").EnumerateArray());
        await (await http.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { email = "x@example.com", seats = new[] { "A-1-1" } }))
            .JsonAsync(HttpStatusCode.Conflict);

        // The hold made before the crash still ends at its own expiresAt.
        var wait = heldExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        Assert.Equal("Expired", await http.BookingStatusAsync(heldId));
        seats = await http.SeatMapAsync(eventId, "A");
        Assert.Equal(("Free", "Free", "Sold"), (seats["A-1-1"], seats["A-1-2"], seats["A-2-1"]));
        Assert.Equal((0, 1), await http.AssertInvariantAsync(eventId));
    }
}
