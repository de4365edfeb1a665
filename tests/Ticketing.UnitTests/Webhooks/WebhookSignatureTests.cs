using System.Net;
using System.Security.Cryptography;
using System.Text;
using Ticketing.Grains.Abstractions;
using Ticketing.Hosting.Webhooks;

namespace Ticketing.UnitTests.Webhooks;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"x","type":"booking.confirmed"}""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void The_signature_is_the_hex_hmac_sha256_of_the_timestamp_a_dot_and_the_body()
    {
        var header = WebhookSignature.Sign("whsec_test", 1_800_000_000, Body);

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_test"),
            Encoding.UTF8.GetBytes("1800000000." + Encoding.UTF8.GetString(Body))));
        Assert.Equal($"t=1800000000,v1={expected}", header);
        Assert.True(WebhookSignature.Verify("whsec_test", header, Body, Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Another_secret_body_or_an_old_timestamp_does_not_verify()
    {
        var header = WebhookSignature.Sign("whsec_test", 1_800_000_000, Body);
        Assert.False(WebhookSignature.Verify("whsec_other", header, Body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, [.. Body, (byte)' '], Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, Body, Now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", "v1=abc", Body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", null, Body, Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void New_secrets_differ_and_carry_256_bits()
    {
        var (a, b) = (WebhookSignature.NewSecret(), WebhookSignature.NewSecret());
        Assert.NotEqual(a, b);
        Assert.StartsWith("whsec_", a);
        Assert.Equal(43, a.Length - "whsec_".Length);
    }

    [Fact]
    public void The_body_carries_the_event_with_its_payload_as_json()
    {
        var e = IntegrationEvent.Create("booking.held", DateTimeOffset.UnixEpoch, "agg", 3, """{"n":1}""");
        Assert.Equal($$$"""{"id":"{{{e.Id}}}","type":"booking.held","occurredAt":"1970-01-01T00:00:00+00:00","aggregateId":"agg","sequence":3,"payload":{"n":1}}""",
            Encoding.UTF8.GetString(HttpWebhookSender.Body(e)));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:4700::1111", false)]
    public void Private_addresses_are_recognized(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, PrivateNetworks.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public async Task A_url_into_a_private_network_is_refused_unless_allowed()
    {
        Assert.Contains("private network", await PrivateNetworks.RefuseAsync("http://10.0.0.5/hook", allowPrivate: false));
        Assert.Null(await PrivateNetworks.RefuseAsync("http://10.0.0.5/hook", allowPrivate: true));
        Assert.Null(await PrivateNetworks.RefuseAsync("https://93.184.216.34/hook", allowPrivate: false));
        Assert.Contains("absolute http", await PrivateNetworks.RefuseAsync("file:///etc/passwd", allowPrivate: true));
    }

    [Fact]
    public void Event_ids_depend_on_the_aggregate_and_sequence_only()
    {
        Assert.Equal(IntegrationEvent.IdFor("a", 1), IntegrationEvent.Create("x", DateTimeOffset.UnixEpoch, "a", 1, "{}").Id);
        Assert.NotEqual(IntegrationEvent.IdFor("a", 1), IntegrationEvent.IdFor("a", 2));
        Assert.NotEqual(IntegrationEvent.IdFor("a", 1), IntegrationEvent.IdFor("b", 1));
    }

    [Fact]
    public void Cursors_round_trip_and_foreign_text_is_refused()
    {
        var cursor = new LogCursor(123, 456);
        Assert.True(LogCursor.TryDecode(cursor.Encode(), out var back));
        Assert.Equal(cursor, back);
        Assert.True(LogCursor.TryDecode(null, out var start));
        Assert.Equal(LogCursor.Start, start);
        Assert.False(LogCursor.TryDecode("nonsense", out _));
        Assert.False(LogCursor.TryDecode("%%%", out _));
    }
}
