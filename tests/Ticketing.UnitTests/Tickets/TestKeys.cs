using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ticketing.Hosting.Tickets;

namespace Ticketing.UnitTests.Tickets;

internal static class TestKeys
{
    /// <summary>A key ring of these keys, signing with <paramref name="signingKeyId"/>.</summary>
    public static EcdsaTicketKeyRing Ring(string signingKeyId, params (string KeyId, TicketKeySettings Key)[] keys) =>
        new(Options.Create(new TicketKeyOptions { SigningKeyId = signingKeyId, Keys = keys.ToDictionary(k => k.KeyId, k => k.Key) }),
            NullLogger<EcdsaTicketKeyRing>.Instance);

    public static (string KeyId, TicketKeySettings Key) New(string keyId) => (keyId, EcdsaTicketKeyRing.GenerateKey("x").Key);

    /// <summary>Only the public half of a key: checks what it signed, signs nothing.</summary>
    public static (string KeyId, TicketKeySettings Key) PublicOnly((string KeyId, TicketKeySettings Key) key) =>
        (key.KeyId, new TicketKeySettings { PublicKey = key.Key.PublicKey });
}
