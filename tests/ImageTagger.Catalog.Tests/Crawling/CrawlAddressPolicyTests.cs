using System.Net;
using ImageTagger.Catalog.Crawling;

namespace ImageTagger.Catalog.Tests.Crawling;

public sealed class CrawlAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:c0a8:0101::1")] // 6to4 of 192.168.1.1
    [InlineData("2001:db8::1")]
    public void Loopback_private_link_local_and_mapped_addresses_are_not_public(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.False(CrawlAddressPolicy.IsPublic(ip));
        Assert.False(new CrawlAddressPolicy(false, []).IsAllowed(ip));
        Assert.True(new CrawlAddressPolicy(true, []).IsAllowed(ip));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:0808:0808::1")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(new CrawlAddressPolicy(false, []).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void Allowed_networks_open_only_themselves()
    {
        var policy = new CrawlAddressPolicy(false, ["127.0.0.0/8"]);
        Assert.True(policy.IsAllowed(IPAddress.Loopback));
        Assert.True(policy.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("10.0.0.1")));
        Assert.False(policy.IsAllowed(IPAddress.IPv6Loopback));
        Assert.True(policy.IsAllowedHostName("localhost"));
        Assert.False(new CrawlAddressPolicy(false, []).IsAllowedHostName("LOCALHOST."));
        Assert.False(new CrawlAddressPolicy(false, []).IsAllowedHostName("app.localhost"));
        Assert.False(new CrawlAddressPolicy(false, []).IsAllowedHostName("[::1]"));
        Assert.Null(new CrawlAddressPolicy(false, []).IsAllowedHostName("example.com"));
    }
}
