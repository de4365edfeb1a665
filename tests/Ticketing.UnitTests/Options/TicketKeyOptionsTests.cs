using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ticketing.Hosting.Tickets;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>The ticket keys ("Tickets"): checked when the host starts, each failure naming its key.</summary>
public sealed class TicketKeyOptionsTests
{
    private static readonly TicketKeySettings Key = EcdsaTicketKeyRing.GenerateKey("k").Key;

    private static IReadOnlyList<string> Failures(params (string Key, string Value)[] settings) =>
        StartupFailures(services => services.AddTicketKeys(Settings(settings)));

    [Fact]
    public void No_keys_at_all_is_the_development_default() => Assert.Empty(Failures());

    [Fact]
    public void A_signing_key_with_an_older_public_key_is_valid() =>
        Assert.Empty(Failures(("Tickets:SigningKeyId", "k2"), ("Tickets:Keys:k2:PrivateKey", Key.PrivateKey!),
            ("Tickets:Keys:k1:PublicKey", EcdsaTicketKeyRing.GenerateKey("k").Key.PublicKey!)));

    [Fact]
    public void A_signing_key_id_that_names_no_key_fails() =>
        AssertOneFailureNaming(Failures(("Tickets:SigningKeyId", "k9"), ("Tickets:Keys:k1:PrivateKey", Key.PrivateKey!)), "Tickets:SigningKeyId");

    [Fact]
    public void Keys_without_a_signing_key_id_fail() =>
        AssertOneFailureNaming(Failures(("Tickets:Keys:k1:PrivateKey", Key.PrivateKey!)), "Tickets:SigningKeyId");

    [Fact]
    public void A_signing_key_without_its_private_half_fails() =>
        AssertOneFailureNaming(Failures(("Tickets:SigningKeyId", "k1"), ("Tickets:Keys:k1:PublicKey", Key.PublicKey!)), "Tickets:Keys:k1:PrivateKey");

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_key_that_is_not_a_p256_key_fails_naming_it(string value) =>
        AssertOneFailureNaming(Failures(("Tickets:SigningKeyId", "k1"), ("Tickets:Keys:k1:PrivateKey", Key.PrivateKey!), ("Tickets:Keys:old:PublicKey", value)),
            "Tickets:Keys:old");

    [Fact]
    public void A_public_key_that_does_not_match_its_private_key_fails() =>
        AssertOneFailureNaming(Failures(("Tickets:SigningKeyId", "k1"), ("Tickets:Keys:k1:PrivateKey", Key.PrivateKey!),
            ("Tickets:Keys:k1:PublicKey", EcdsaTicketKeyRing.GenerateKey("k").Key.PublicKey!)), "Tickets:Keys:k1");

    [Fact]
    public void A_key_id_too_long_for_a_code_fails() =>
        AssertOneFailureNaming(Failures(("Tickets:SigningKeyId", "a-very-long-key-id-17"), ("Tickets:Keys:a-very-long-key-id-17:PrivateKey", Key.PrivateKey!)),
            "Tickets:Keys:a-very-long-key-id-17");

    [Fact]
    public void The_development_key_is_generated_once_and_kept_for_every_process()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ticketing-test-{Guid.NewGuid():N}", "dev.json");
        try
        {
            var options = Options.Create(new TicketKeyOptions { DevelopmentKeyPath = path });
            using var first = new EcdsaTicketKeyRing(options, NullLogger<EcdsaTicketKeyRing>.Instance);
            using var second = new EcdsaTicketKeyRing(options, NullLogger<EcdsaTicketKeyRing>.Instance);

            Assert.True(File.Exists(path));
            Assert.StartsWith("dev-", first.SigningKeyId, StringComparison.Ordinal);
            Assert.Equal(first.SigningKeyId, second.SigningKeyId);
            Assert.Equal(first.PublicKeys, second.PublicKeys);
            var signature = first.Sign("x"u8);
            Assert.True(second.Verify(first.SigningKeyId, "x"u8, signature));
            // The container disposes it once per service it is registered as.
            first.Dispose();
            first.Dispose();
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
