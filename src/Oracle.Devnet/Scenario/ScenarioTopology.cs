using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// The main job's network, in namespaces of its own and addresses of one free /20 of 198.19.128.0/17 (the benchmarking
/// range; nothing leaves the machine):
/// <code>
///                      root: bridge .0.1/24 (relays to the chain and the broker)
///        ┌──────────────┬───────────┴───┬──────────────────┐
///   exit provider .0.2   site-to-site .0.3   client-eth .0.10   client-btc .0.11      (underlay .0/24)
///     │ exit .1.1/30 ── internet .1.2 (web and iperf3 at .1.129)
///     │ lan  .2.1/24 ── provider LAN .2.20 (the host the SMB attempt aims at)
///   site-to-site: corp .3.1/24 ── company LAN .3.30 (intranet web server)
/// </code>
/// Client tunnel addresses come from the exit provider's pool .4.0/24 and the site-to-site provider's .5.0/24.
/// </summary>
public sealed record ScenarioTopology
{
    private const int FirstBlock = 9;

    /// <summary>A short id shared by the names (from the data folder).</summary>
    public required string Id { get; init; }

    /// <summary>The third octet of the /20's first /24.</summary>
    public required int Base { get; init; }

    /// <summary>The namespaces, by role.</summary>
    public string ExitProvider => $"osc{Id}-exit";

    /// <inheritdoc cref="ExitProvider"/>
    public string SiteProvider => $"osc{Id}-s2s";

    /// <inheritdoc cref="ExitProvider"/>
    public string Internet => $"osc{Id}-net";

    /// <inheritdoc cref="ExitProvider"/>
    public string ProviderLan => $"osc{Id}-plan";

    /// <inheritdoc cref="ExitProvider"/>
    public string CompanyLan => $"osc{Id}-corp";

    /// <inheritdoc cref="ExitProvider"/>
    public string ClientEth => $"osc{Id}-c1";

    /// <inheritdoc cref="ExitProvider"/>
    public string ClientBtc => $"osc{Id}-c2";

    /// <summary>Every namespace, in the order to delete them.</summary>
    public IReadOnlyList<string> Namespaces => [ClientEth, ClientBtc, ExitProvider, SiteProvider, Internet, ProviderLan, CompanyLan];

    /// <summary>The root namespace's bridge (the underlay).</summary>
    public string Bridge => $"osb{Id}";

    /// <summary>The root's address on the underlay: the relays to the chain and the broker listen here.</summary>
    public string RootAddress => Address(0, 1);

    /// <summary>The underlay prefix.</summary>
    public string Underlay => $"{Address(0, 0)}/24";

    /// <summary>The exit provider's underlay address (its UDP endpoint, its metrics).</summary>
    public string ExitProviderAddress => Address(0, 2);

    /// <summary>The site-to-site provider's underlay address.</summary>
    public string SiteProviderAddress => Address(0, 3);

    /// <summary>The client paying in ETH, on the underlay.</summary>
    public string ClientEthAddress => Address(0, 10);

    /// <summary>The client paying in wrapped BTC, on the underlay.</summary>
    public string ClientBtcAddress => Address(0, 11);

    /// <summary>The exit's uplink device in the exit provider's namespace.</summary>
    public const string ExitDevice = "exit";

    /// <summary>The internet's end of the exit link (the exit's next hop).</summary>
    public string InternetLinkAddress => Address(1, 2);

    /// <summary>The internet's hosts.</summary>
    public string InternetPrefix => $"{Address(1, 128)}/25";

    /// <summary>The internet's server: web on port 80, iperf3 on 5201.</summary>
    public string InternetServer => Address(1, 129);

    /// <summary>The exit provider's LAN (protected by its gateway's guard).</summary>
    public string ProviderLanPrefix => $"{Address(2, 0)}/24";

    /// <summary>A host on the exit provider's LAN: the SMB attempt's target.</summary>
    public string ProviderLanHost => Address(2, 20);

    /// <summary>The company LAN behind the site-to-site gateway (exported by its policy).</summary>
    public string CompanyLanPrefix => $"{Address(3, 0)}/24";

    /// <summary>The company's intranet web server.</summary>
    public string CompanyServer => Address(3, 30);

    /// <summary>The exit provider's pool of client tunnel addresses.</summary>
    public string ExitPool => $"{Address(4, 0)}/24";

    /// <summary>The site-to-site provider's pool.</summary>
    public string SitePool => $"{Address(5, 0)}/24";

    private string Address(int block, int host) => string.Create(CultureInfo.InvariantCulture, $"198.19.{Base + block}.{host}");

    /// <summary>Creates the namespaces, bridge and links (root only); on failure removes what it made.</summary>
    /// <exception cref="LocalServiceException">No free /20, or an <c>ip</c> command failed.</exception>
    public static async Task<ScenarioTopology> CreateAsync(string id, CancellationToken cancellationToken)
    {
        var topology = new ScenarioTopology { Id = id, Base = 0 };
        await DeleteAsync(topology.Namespaces, topology.Bridge, cancellationToken); // a crashed run left them
        topology = topology with { Base = FreeBlock() };
        try
        {
            await topology.SetUpAsync(cancellationToken);
            return topology;
        }
        catch
        {
            await DeleteAsync(topology.Namespaces, topology.Bridge, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Deletes the namespaces (with their veths) and the bridge that exist; missing ones are ignored.</summary>
    public static async Task DeleteAsync(IEnumerable<string> namespaces, string? bridge, CancellationToken cancellationToken)
    {
        await NetworkNamespaces.DeleteExistingAsync(namespaces, cancellationToken);
        if (bridge is not null && NetworkInterface.GetAllNetworkInterfaces().Any(n => n.Name == bridge))
        {
            await ProcessRunner.RunAsync("ip", ["link", "delete", bridge], cancellationToken);
        }
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        async Task Ip(params string[] arguments) => await ProcessRunner.RunAsync("ip", arguments, cancellationToken);

        foreach (var ns in Namespaces)
        {
            await Ip("netns", "add", ns);
            await Ip("-n", ns, "link", "set", "lo", "up");
        }

        // The underlay: a bridge in the root namespace (L2 only: the root forwards nothing) and one veth per gateway.
        await Ip("link", "add", Bridge, "type", "bridge");
        await Ip("address", "add", $"{RootAddress}/24", "dev", Bridge);
        await Ip("link", "set", Bridge, "up");
        var index = 0;
        foreach (var (ns, address) in new[] { (ExitProvider, ExitProviderAddress), (SiteProvider, SiteProviderAddress), (ClientEth, ClientEthAddress), (ClientBtc, ClientBtcAddress) })
        {
            var root = $"osv{Id}{index++}";
            await Ip("link", "add", root, "type", "veth", "peer", "name", "uplink", "netns", ns);
            await Ip("link", "set", root, "master", Bridge);
            await Ip("link", "set", root, "up");
            await Ip("-n", ns, "address", "add", $"{address}/24", "dev", "uplink");
            await Ip("-n", ns, "link", "set", "uplink", "up");
        }

        // The exit and its internet; the exit provider's own LAN.
        await Link(ExitProvider, ExitDevice, Address(1, 1) + "/30", Internet, "lan", InternetLinkAddress + "/30");
        await Ip("-n", Internet, "address", "add", $"{InternetServer}/32", "dev", "lo");
        await Ip("-n", Internet, "route", "add", "default", "via", Address(1, 1));
        await Ip("-n", ExitProvider, "route", "add", InternetPrefix, "via", InternetLinkAddress);
        await Link(ExitProvider, "lan", Address(2, 1) + "/24", ProviderLan, "lan", ProviderLanHost + "/24");
        await Ip("-n", ProviderLan, "route", "add", "default", "via", Address(2, 1));

        // The company LAN behind the site-to-site gateway; its hosts route the clients' tunnel addresses back to it.
        await Link(SiteProvider, "corp", Address(3, 1) + "/24", CompanyLan, "lan", CompanyServer + "/24");
        await Ip("-n", CompanyLan, "route", "add", SitePool, "via", Address(3, 1));

        async Task Link(string a, string aDevice, string aAddress, string b, string bDevice, string bAddress)
        {
            await Ip("-n", a, "link", "add", aDevice, "type", "veth", "peer", "name", bDevice, "netns", b);
            await Ip("-n", a, "address", "add", aAddress, "dev", aDevice);
            await Ip("-n", a, "link", "set", aDevice, "up");
            await Ip("-n", b, "address", "add", bAddress, "dev", bDevice);
            await Ip("-n", b, "link", "set", bDevice, "up");
        }
    }

    // The first /20 of 198.19.144.0 … 198.19.224.0 that no interface of this host has an address in.
    private static int FreeBlock()
    {
        var used = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Where(u => u.Address.AddressFamily == AddressFamily.InterNetwork)
            .Select(u => u.Address.GetAddressBytes())
            .Where(b => b[0] == 198 && b[1] == 19)
            .Select(b => b[2] / 16)
            .ToHashSet();
        for (var block = FirstBlock; block < 15; block++)
        {
            if (!used.Contains(block))
            {
                return block * 16;
            }
        }

        throw new LocalServiceException("no free /20 in 198.19.144.0 - 198.19.239.255 for the main job's network (other devnets running?)");
    }
}
