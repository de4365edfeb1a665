using System.Net;
using System.Net.Sockets;

namespace Ticketing.Hosting.Webhooks;

/// <summary>Addresses a webhook must not reach unless Webhooks:AllowPrivateNetworks says so.</summary>
public static class PrivateNetworks
{
    private static readonly (IPAddress Network, int Prefix)[] Ranges =
    [
        (IPAddress.Parse("0.0.0.0"), 8),
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("::1"), 128),
        (IPAddress.Parse("::"), 128),
        (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10),
    ];

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return Ranges.Any(r => r.Network.AddressFamily == address.AddressFamily && InRange(address, r.Network, r.Prefix));
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Why <paramref name="url"/> cannot be a webhook endpoint, or null when it can: absolute http(s), and (unless
    /// private networks are allowed) a host whose every address is public.
    /// </summary>
    public static async Task<string?> RefuseAsync(string? url, bool allowPrivate, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return "must be an absolute http or https URL.";
        }

        if (allowPrivate)
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"names a host ({uri.Host}) that does not resolve.";
        }

        return addresses.Length == 0 || addresses.Any(IsPrivate)
            ? $"points into a private network ({uri.Host}); such endpoints are refused unless Webhooks:AllowPrivateNetworks is true."
            : null;
    }
}
