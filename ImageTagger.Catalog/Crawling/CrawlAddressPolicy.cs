using System.Net;
using System.Net.Sockets;

namespace ImageTagger.Catalog.Crawling;

/// <summary>
/// Which addresses a crawl may connect to. Only public unicast addresses by default: a URL typed by a user
/// (or a link, or a redirect, or a DNS answer) must not make the server fetch from its own machine or network.
/// </summary>
public sealed class CrawlAddressPolicy
{
    // Non-public IPv4 ranges (RFC 6890 special-purpose registry and friends).
    private static readonly IPNetwork[] s_blockedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("192.88.99.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] s_blockedV6 =
    [
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001::/23"),
        IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork s_nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork s_sixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork s_v4Compatible = IPNetwork.Parse("::/96");

    private readonly bool _allowPrivate;
    private readonly IReadOnlyList<IPNetwork> _allowed;

    public CrawlAddressPolicy(bool allowPrivate, IEnumerable<string> allowedNetworks)
    {
        _allowPrivate = allowPrivate;
        _allowed = allowedNetworks.Select(n => IPNetwork.Parse(n)).ToList();
    }

    public static CrawlAddressPolicy From(CrawlOptions options) => new(options.AllowPrivateAddresses, options.AllowedNetworks);

    /// <summary>True for addresses reachable on the public internet (unicast, not reserved).</summary>
    public static bool IsPublic(IPAddress address)
    {
        var v4 = EmbeddedIPv4(address);
        if (v4 is not null)
        {
            return !s_blockedV4.Any(n => n.Contains(v4));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var scopeless = new IPAddress(address.GetAddressBytes());
        return !s_blockedV6.Any(n => n.Contains(scopeless));
    }

    /// <summary>May a crawl connect to <paramref name="address"/>?</summary>
    public bool IsAllowed(IPAddress address)
    {
        if (_allowPrivate || IsPublic(address))
        {
            return true;
        }

        var plain = EmbeddedIPv4(address) ?? new IPAddress(address.GetAddressBytes());
        return _allowed.Any(n => n.Contains(plain) || n.Contains(address));
    }

    /// <summary>
    /// Names that always mean this machine (RFC 6761), refused without asking DNS; null when the host is an ordinary name.
    /// </summary>
    public bool? IsAllowedHostName(string host)
    {
        var name = host.TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(name.Trim('[', ']'), out var literal))
        {
            return IsAllowed(literal);
        }

        if (name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return IsAllowed(IPAddress.Loopback);
        }

        return null;
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or the address itself if IPv4.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        // ::/96 includes :: and ::1, which map to 0.0.0.0 and 0.0.0.1: blocked either way.
        if (s_nat64.Contains(address) || s_v4Compatible.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        if (s_sixToFour.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }

        return null;
    }
}
