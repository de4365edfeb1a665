using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Ticketing.PostgresTests;

/// <summary>Check-in state is in PostgreSQL: a ticket admitted before the process is killed stays admitted after it restarts.</summary>
public sealed class CheckinRestartTests(ITestOutputHelper output)
{
    /// <summary>A fixed ticket signing key (ECDSA P-256, PKCS#8) for the processes this test starts.</summary>
    private static readonly string[] TicketKey =
    [
        "--Tickets:SigningKeyId=pg-tests",
        "--Tickets:Keys:pg-tests:PrivateKey=MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3q7LIDRha5XzK7NF6VeveuCnzCUjV2i1Y7m/fSrtX/ShRANCAAQvez/psLcr4UdAmjM57TnKHdT4ZZVvXWRbEfzz3SgAfaWUIviM8NdQ6gpwz634qJiiPjKMZbIpBwuWEEEz8/v/",
    ];

    [PostgresFact]
    public async Task A_ticket_admitted_before_a_kill_is_still_admitted_after_the_restart()
    {
        await using var database = TestDatabase.Unborn();
        int httpPort = HostProcess.FreePort(), siloPort = HostProcess.FreePort(), gatewayPort = HostProcess.FreePort();
        using var http = Http.Client(httpPort);
        string eventId;
        string[] codes;
        DateTimeOffset admittedAt;

        await using (var api = HostProcess.StartApi(database.ConnectionString, httpPort, siloPort, gatewayPort, TicketKey))
        {
            await api.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
            eventId = await http.CreatePublishedEventAsync(holdSeconds: 600, [new { id = "GA", name = "Standing", capacity = 100, price = 20m }]);
            var held = await (await http.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { email = "door@example.com", section = "GA", quantity = 2 }))
                .JsonAsync(HttpStatusCode.Created);
            var paid = await (await http.PostAsJsonAsync($"/api/bookings/{held.GetProperty("id").GetString()}/payment", new { paymentToken = "tok_visa" }))
                .JsonAsync(HttpStatusCode.OK);
            codes = paid.GetProperty("tickets").EnumerateArray().Select(t => t.GetProperty("code").GetString()!).ToArray();
            Assert.Equal(2, codes.Length);

            var admitted = await (await http.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { code = codes[0], gate = "North-3" })).JsonAsync(HttpStatusCode.OK);
            admittedAt = admitted.GetProperty("checkedInAt").GetDateTimeOffset();

            // Killed right after the 200: the admission must already be in PostgreSQL.
            await api.KillAsync();
        }

        await using var restarted = HostProcess.StartApi(database.ConnectionString, httpPort, siloPort, gatewayPort, TicketKey);
        await restarted.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));

        var again = await (await http.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { code = codes[0], gate = "South-1" })).JsonAsync(HttpStatusCode.Conflict);
        Assert.Equal(("North-3", admittedAt), (again.GetProperty("gate").GetString(), again.GetProperty("checkedInAt").GetDateTimeOffset()));
        await (await http.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { code = codes[1], gate = "South-1" })).JsonAsync(HttpStatusCode.OK);
        output.WriteLine($"admitted at {admittedAt:O} before the kill; refused after the restart with the same gate and time");
    }
}
