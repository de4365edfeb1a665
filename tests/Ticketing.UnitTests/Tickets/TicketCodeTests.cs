using Ticketing.Grains.Tickets;

namespace Ticketing.UnitTests.Tickets;

/// <summary>The signed ticket code: what it carries, and every way a code that is not genuine is refused.</summary>
public sealed class TicketCodeTests
{
    private static readonly (string KeyId, Hosting.Tickets.TicketKeySettings Key) K1 = TestKeys.New("k1");
    private static readonly (string KeyId, Hosting.Tickets.TicketKeySettings Key) K2 = TestKeys.New("k2");

    private static readonly TicketClaims Claims = new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "A-12-7", 1);

    [Fact]
    public void A_code_carries_its_ticket_event_booking_seat_and_version_and_passes()
    {
        using var keys = TestKeys.Ring("k1", K1);
        var code = TicketCode.Issue(Claims, keys);

        Assert.Equal(TicketCodeError.None, TicketCode.Verify(code, keys, out var read));
        Assert.Equal(Claims, read);
        Assert.Equal("k1", TicketCode.KeyIdOf(code));
        // URL- and QR-friendly: base64url only, 124 bytes for this seat (166 characters: a version-9 QR code at level M).
        Assert.Matches("^[A-Za-z0-9_-]+$", code);
        Assert.Equal(166, code.Length);
    }

    [Fact]
    public void A_long_seat_label_is_cut_to_64_bytes_so_codes_stay_short()
    {
        using var keys = TestKeys.Ring("k1", K1);
        var code = TicketCode.Issue(Claims with { Seat = new string('é', 100) }, keys);

        Assert.Equal(TicketCodeError.None, TicketCode.Verify(code, keys, out var read));
        Assert.Equal(new string('é', 32), read!.Seat);
        Assert.True(code.Length <= TicketCode.MaxLength);
    }

    [Fact]
    public void Changing_any_byte_of_a_code_makes_it_fail()
    {
        using var keys = TestKeys.Ring("k1", K1);
        Assert.True(Base64Url.TryDecode(TicketCode.Issue(Claims, keys), out var bytes));

        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;
            var error = TicketCode.Verify(Base64Url.Encode(tampered), keys, out var read);
            Assert.NotEqual(TicketCodeError.None, error);
            Assert.Null(read);
        }
    }

    [Fact]
    public void Another_seat_written_into_a_genuine_code_fails_on_its_signature()
    {
        using var keys = TestKeys.Ring("k1", K1);
        Assert.True(Base64Url.TryDecode(TicketCode.Issue(Claims, keys), out var bytes));
        var seatAt = Array.IndexOf(bytes, (byte)'A', 2 + 2 + 48);
        bytes[seatAt] = (byte)'B';

        Assert.Equal(TicketCodeError.BadSignature, TicketCode.Verify(Base64Url.Encode(bytes), keys, out _));
    }

    [Fact]
    public void Every_truncation_of_a_code_is_refused()
    {
        using var keys = TestKeys.Ring("k1", K1);
        var code = TicketCode.Issue(Claims, keys);

        for (var length = 0; length < code.Length; length++)
        {
            Assert.NotEqual(TicketCodeError.None, TicketCode.Verify(code[..length], keys, out _));
        }

        Assert.Equal(TicketCodeError.Malformed, TicketCode.Verify(code[..(code.Length - 10)], keys, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("not a code!")]
    [InlineData("AQJrMQ==")]
    public void Garbage_is_malformed(string? code)
    {
        using var keys = TestKeys.Ring("k1", K1);
        Assert.Equal(TicketCodeError.Malformed, TicketCode.Verify(code, keys, out _));
    }

    [Fact]
    public void A_code_longer_than_any_ticket_code_is_refused_before_decoding()
    {
        using var keys = TestKeys.Ring("k1", K1);
        Assert.Equal(TicketCodeError.Malformed, TicketCode.Verify(new string('A', TicketCode.MaxLength + 1), keys, out _));
    }

    [Fact]
    public void A_code_forged_with_another_key_under_a_known_key_id_fails_on_its_signature()
    {
        using var forger = TestKeys.Ring("k1", TestKeys.New("k1"));
        using var keys = TestKeys.Ring("k1", K1);

        Assert.Equal(TicketCodeError.BadSignature, TicketCode.Verify(TicketCode.Issue(Claims, forger), keys, out _));
    }

    [Fact]
    public void A_code_signed_with_an_unknown_key_id_is_refused_as_such()
    {
        using var forger = TestKeys.Ring("evil", TestKeys.New("evil"));
        using var keys = TestKeys.Ring("k1", K1);

        Assert.Equal(TicketCodeError.UnknownKey, TicketCode.Verify(TicketCode.Issue(Claims, forger), keys, out _));
    }

    [Fact]
    public void Another_format_version_is_refused()
    {
        using var keys = TestKeys.Ring("k1", K1);
        Assert.True(Base64Url.TryDecode(TicketCode.Issue(Claims, keys), out var bytes));
        bytes[0] = 2;

        Assert.Equal(TicketCodeError.UnknownFormat, TicketCode.Verify(Base64Url.Encode(bytes), keys, out _));
    }

    [Fact]
    public void After_a_key_rotation_old_tickets_still_pass_and_new_ones_use_the_new_key()
    {
        using var before = TestKeys.Ring("k1", K1);
        var oldCode = TicketCode.Issue(Claims, before);

        // Rotated: k2 signs, k1 stays as a public key only, to check what it signed.
        using var after = TestKeys.Ring("k2", TestKeys.PublicOnly(K1), K2);
        var newClaims = Claims with { TicketId = Guid.NewGuid() };
        var newCode = TicketCode.Issue(newClaims, after);

        Assert.Equal(TicketCodeError.None, TicketCode.Verify(oldCode, after, out var oldRead));
        Assert.Equal(Claims, oldRead);
        Assert.Equal(TicketCodeError.None, TicketCode.Verify(newCode, after, out var newRead));
        Assert.Equal(newClaims, newRead);
        Assert.Equal(("k1", "k2"), (TicketCode.KeyIdOf(oldCode), TicketCode.KeyIdOf(newCode)));
        Assert.Equal(["k1", "k2"], after.PublicKeys.Select(k => k.KeyId));
        // The old service does not know the new key yet.
        Assert.Equal(TicketCodeError.UnknownKey, TicketCode.Verify(newCode, before, out _));
    }

    [Fact]
    public void Signatures_are_64_bytes_and_the_published_point_is_the_signing_key()
    {
        using var keys = TestKeys.Ring("k1", K1);
        var published = Assert.Single(keys.PublicKeys);

        using var ecdsa = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new() { X = Decode(published.X), Y = Decode(published.Y) },
        });
        var data = "checked offline"u8.ToArray();
        var signature = keys.Sign(data);

        Assert.Equal(64, signature.Length);
        Assert.True(ecdsa.VerifyData(data, signature, System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    private static byte[] Decode(string base64Url)
    {
        Assert.True(Base64Url.TryDecode(base64Url, out var bytes));
        return bytes;
    }
}
