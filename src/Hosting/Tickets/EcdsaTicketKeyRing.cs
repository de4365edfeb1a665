using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ticketing.Grains.Tickets;

namespace Ticketing.Hosting.Tickets;

/// <summary>
/// The ticket keys of <see cref="TicketKeyOptions"/>: ES256 (ECDSA P-256, SHA-256, 64-byte r‖s signatures). Each
/// thread uses its own copy of each key, since a key object is not promised to be thread-safe.
/// </summary>
public sealed class EcdsaTicketKeyRing : ITicketKeyRing, IDisposable
{
    private readonly Dictionary<string, ThreadLocal<ECDsa>> _keys = new(StringComparer.Ordinal);
    private int _disposed;

    public EcdsaTicketKeyRing(IOptions<TicketKeyOptions> options, ILogger<EcdsaTicketKeyRing> logger)
    {
        var settings = options.Value;
        var keys = settings.HasConfiguredKeys
            ? settings.Keys
            : DevelopmentKey(settings.DevelopmentKeyPath ?? TicketKeyOptions.DefaultDevelopmentKeyPath, logger);
        SigningKeyId = settings.HasConfiguredKeys ? settings.SigningKeyId! : keys.Keys.Single();

        var publicKeys = new List<TicketPublicKey>();
        foreach (var (keyId, key) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            using var loaded = key.Load(out var error) ?? throw new InvalidOperationException($"{TicketKeyOptions.SectionName}:Keys:{keyId}: {error}");
            var parameters = loaded.ExportParameters(false);
            publicKeys.Add(new TicketPublicKey(keyId, Base64Url.Encode(parameters.Q.X), Base64Url.Encode(parameters.Q.Y)));
            _keys[keyId] = new ThreadLocal<ECDsa>(() => key.Load(out _)!, trackAllValues: true);
        }

        PublicKeys = publicKeys;
    }

    public string SigningKeyId { get; }

    public IReadOnlyList<TicketPublicKey> PublicKeys { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _keys[SigningKeyId].Value!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public bool Verify(string keyId, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        _keys.TryGetValue(keyId, out var key)
        && signature.Length == TicketCode.SignatureLength
        && key.Value!.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Idempotent: the container disposes it once for each service it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var key in _keys.Values)
        {
            foreach (var copy in key.Values)
            {
                copy.Dispose();
            }

            key.Dispose();
        }
    }

    /// <summary>A new P-256 key as configuration would give it: id and base64 PKCS#8 private key.</summary>
    public static (string KeyId, TicketKeySettings Key) GenerateKey(string keyIdPrefix)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = key.ExportSubjectPublicKeyInfo();
        var keyId = $"{keyIdPrefix}{Convert.ToHexStringLower(SHA256.HashData(publicKey))[..6]}";
        return (keyId, new TicketKeySettings { PrivateKey = Convert.ToBase64String(key.ExportPkcs8PrivateKey()), PublicKey = Convert.ToBase64String(publicKey) });
    }

    /// <summary>
    /// The development key kept in <paramref name="path"/>, generated the first time. Created exclusively, so that
    /// processes starting together (a local cluster) end up with the same key.
    /// </summary>
    private static Dictionary<string, TicketKeySettings> DevelopmentKey(string path, ILogger logger)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (File.Exists(path))
                {
                    var stored = JsonSerializer.Deserialize<StoredKey>(File.ReadAllText(path))
                        ?? throw new InvalidOperationException($"The development ticket key file {path} is empty.");
                    return new() { [stored.KeyId] = new TicketKeySettings { PrivateKey = stored.PrivateKey } };
                }

                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                var (keyId, key) = GenerateKey("dev-");
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    JsonSerializer.Serialize(file, new StoredKey(keyId, key.PrivateKey!));
                }

                logger.LogWarning("No ticket keys configured (Tickets:Keys): generated development key {KeyId} and kept it in {Path}. " +
                    "Configure Tickets:SigningKeyId and Tickets:Keys outside development.", keyId, path);
                return new() { [keyId] = key };
            }
            catch (Exception e) when (attempt < 20 && e is IOException or JsonException)
            {
                // Another process is creating it right now: read it once it is complete.
                Thread.Sleep(50);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                // A read-only file system (a locked-down container): a key of this process only, said loudly.
                var (keyId, key) = GenerateKey("dev-");
                logger.LogError(e, "No ticket keys configured (Tickets:Keys) and the development key cannot be kept in {Path}: using key {KeyId} " +
                    "of this process only; tickets it signs cannot be checked by other processes or after a restart. Configure Tickets:Keys.", path, keyId);
                return new() { [keyId] = key };
            }
        }
    }

    private sealed record StoredKey(string KeyId, string PrivateKey);
}
