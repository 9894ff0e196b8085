using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// Where the devnet's provider runs with its exit on, without touching the host's own network: a network namespace for
/// the gateway, joined to the root namespace by a veth pair (the client's way in, its UDP underlay), and behind it a
/// second namespace, the devnet's "internet", that the exit forwards and masquerades to. Everything uses one /24 of
/// 198.19.240.0/20 (198.18.0.0/15, the benchmarking range) that no interface of the host uses yet:
/// <code>
/// root: odv&lt;id&gt; .1/30 ── uplink .2/30 :provider (gateway :51820, pool .64/26) exit .5/30 ── lan .6/30 :internet (web at .129)
/// </code>
/// The provider namespace has no default route and the root namespace forwards nothing for it, so nothing leaves the
/// machine: the exit reaches only the devnet's internet (.128/25).
/// </summary>
public sealed record ExitNetwork
{
    /// <summary>The first /24 tried: 198.19.240.0/24, then up to 198.19.255.0/24.</summary>
    private const int FirstSubnet = 240;

    /// <summary>A short id shared by the names (the devnet's data folder hash).</summary>
    public required string Id { get; init; }

    /// <summary>The third octet of the /24 in use.</summary>
    public required int Subnet { get; init; }

    /// <summary>The gateway's namespace.</summary>
    public string ProviderNamespace => $"odp-{Id}";

    /// <summary>The namespace of the devnet's internet (a web server).</summary>
    public string InternetNamespace => $"odi-{Id}";

    /// <summary>The root namespace's end of the underlay veth.</summary>
    public string RootDevice => $"odv{Id}";

    /// <summary>The provider's end of the underlay veth (inside its namespace).</summary>
    public const string UplinkDevice = "uplink";

    /// <summary>The provider's exit interface towards the devnet's internet (inside its namespace).</summary>
    public const string ExitDevice = "exit";

    /// <summary>The root namespace's address on the underlay (the relays to the chain and broker listen here).</summary>
    public string RootAddress => Address(1);

    /// <summary>The provider's underlay address (its UDP endpoint and metrics listen here).</summary>
    public string ProviderAddress => Address(2);

    /// <summary>The provider's address towards the devnet's internet (what the exit masquerades to).</summary>
    public string ExitAddress => Address(5);

    /// <summary>The devnet internet's end of the exit link.</summary>
    public string InternetLinkAddress => Address(6);

    /// <summary>The devnet internet's web server.</summary>
    public string WebAddress => Address(129);

    /// <summary>The devnet's internet: what a client routes into the tunnel.</summary>
    public string InternetPrefix => $"{Address(128)}/25";

    /// <summary>The clients' tunnel addresses.</summary>
    public string Pool => $"{Address(64)}/26";

    /// <summary>The namespaces, in the order to delete them.</summary>
    public IReadOnlyList<string> Namespaces => [ProviderNamespace, InternetNamespace];

    private string Address(int host) => string.Create(CultureInfo.InvariantCulture, $"198.19.{Subnet}.{host}");

    /// <summary>Creates the namespaces and links (root only); on failure removes what it made.</summary>
    /// <exception cref="LocalServiceException">No free /24, or an <c>ip</c> command failed.</exception>
    public static async Task<ExitNetwork> CreateAsync(string id, CancellationToken cancellationToken)
    {
        var network = new ExitNetwork { Id = id, Subnet = 0 };
        await DeleteAsync(network.Namespaces, cancellationToken); // a crashed run of this devnet left them
        network = network with { Subnet = FreeSubnet() };
        try
        {
            await network.SetUpAsync(cancellationToken);
            return network;
        }
        catch
        {
            await DeleteAsync(network.Namespaces, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Deletes namespaces (with their veths) that exist; missing ones are ignored.</summary>
    public static Task DeleteAsync(IEnumerable<string> namespaces, CancellationToken cancellationToken)
        => NetworkNamespaces.DeleteExistingAsync(namespaces, cancellationToken);

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        async Task Ip(params string[] arguments) => await ProcessRunner.RunAsync("ip", arguments, cancellationToken);

        await Ip("netns", "add", ProviderNamespace);
        await Ip("netns", "add", InternetNamespace);
        await Ip("-n", ProviderNamespace, "link", "set", "lo", "up");
        await Ip("-n", InternetNamespace, "link", "set", "lo", "up");

        await Ip("link", "add", RootDevice, "type", "veth", "peer", "name", UplinkDevice, "netns", ProviderNamespace);
        await Ip("address", "add", $"{RootAddress}/30", "dev", RootDevice);
        await Ip("link", "set", RootDevice, "up");
        await Ip("-n", ProviderNamespace, "address", "add", $"{ProviderAddress}/30", "dev", UplinkDevice);
        await Ip("-n", ProviderNamespace, "link", "set", UplinkDevice, "up");

        await Ip("-n", ProviderNamespace, "link", "add", ExitDevice, "type", "veth", "peer", "name", "lan", "netns", InternetNamespace);
        await Ip("-n", ProviderNamespace, "address", "add", $"{ExitAddress}/30", "dev", ExitDevice);
        await Ip("-n", ProviderNamespace, "link", "set", ExitDevice, "up");
        await Ip("-n", InternetNamespace, "address", "add", $"{InternetLinkAddress}/30", "dev", "lan");
        await Ip("-n", InternetNamespace, "link", "set", "lan", "up");
        await Ip("-n", InternetNamespace, "address", "add", $"{WebAddress}/32", "dev", "lo");
        await Ip("-n", ProviderNamespace, "route", "add", InternetPrefix, "via", InternetLinkAddress);
    }

    // The first /24 of 198.19.240.0/20 that no interface of this host (another devnet's veth, say) has an address in.
    private static int FreeSubnet()
    {
        var used = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Where(u => u.Address.AddressFamily == AddressFamily.InterNetwork)
            .Select(u => u.Address.GetAddressBytes())
            .Where(b => b[0] == 198 && b[1] == 19)
            .Select(b => (int)b[2])
            .ToHashSet();
        for (var subnet = FirstSubnet; subnet <= 255; subnet++)
        {
            if (!used.Contains(subnet))
            {
                return subnet;
            }
        }

        throw new LocalServiceException("no free /24 in 198.19.240.0/20 for the devnet's provider namespace (16 devnets running?)");
    }
}
