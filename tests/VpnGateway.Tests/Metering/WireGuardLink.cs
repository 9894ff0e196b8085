using System.Globalization;
using Oracle.Testing;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// A real TUN-based tunnel to meter before the gateway's own tunnel is wired in: two throwaway namespaces joined by a
/// veth (198.18.0.1 ↔ 198.18.0.2) and wireguard-go TUN interfaces on both sides
/// (198.19.0.1 in A ↔ 198.19.0.2 in B). wireguard-go and every other process are tracked by PID and killed on dispose.
/// </summary>
/// <remarks>wireguard-go's control sockets (/var/run/wireguard/&lt;name&gt;.sock) are not namespaced, so every
/// interface gets a random name.</remarks>
internal sealed class WireGuardLink : IAsyncDisposable
{
    public const string AddressA = "198.19.0.1";
    public const string AddressB = "198.19.0.2";

    private readonly string _folder;

    private WireGuardLink(NetworkNamespace a, NetworkNamespace b, string folder)
    {
        A = a;
        B = b;
        _folder = folder;
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        InterfaceA = "wma" + suffix;
        InterfaceB = "wmb" + suffix;
    }

    /// <summary>The TUN interface in A.</summary>
    public string InterfaceA { get; }

    /// <summary>The TUN interface in B.</summary>
    public string InterfaceB { get; }

    public NetworkNamespace A { get; }

    public NetworkNamespace B { get; }

    public string LogFolder => _folder;

    public static async Task<WireGuardLink> CreateAsync(int mtu = 1420)
    {
        var folder = Directory.CreateTempSubdirectory("metering-wg-").FullName;
        var a = await NetworkNamespace.CreateAsync("meta");
        NetworkNamespace? b = null;
        try
        {
            b = await NetworkNamespace.CreateAsync("metb");
            var link = new WireGuardLink(a, b, folder);
            await NetworkNamespace.ConnectAsync(a, "198.18.0.1/30", b, "198.18.0.2/30");
            var (privateA, publicA) = await KeyPairAsync(folder, "a");
            var (privateB, publicB) = await KeyPairAsync(folder, "b");
            await link.UpAsync(a, link.InterfaceA, privateA, publicB, "198.18.0.2", AddressA, AddressB, mtu);
            await link.UpAsync(b, link.InterfaceB, privateB, publicA, "198.18.0.1", AddressB, AddressA, mtu);
            (await a.ExecAsync("ping", "-c", "1", "-W", "5", AddressB)).EnsureSuccess();
            return link;
        }
        catch
        {
            await a.DisposeAsync();
            if (b is not null)
            {
                await b.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The TUN interface's own counters <paramref name="name"/> in namespace <paramref name="ns"/>: packets and bytes, sent plus received.</summary>
    public static async Task<(ulong Packets, ulong Bytes)> CountersAsync(NetworkNamespace ns, string name)
    {
        var result = (await ns.ExecAsync("cat",
            $"/sys/class/net/{name}/statistics/tx_packets", $"/sys/class/net/{name}/statistics/rx_packets",
            $"/sys/class/net/{name}/statistics/tx_bytes", $"/sys/class/net/{name}/statistics/rx_bytes")).EnsureSuccess();
        var v = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return (v[0] + v[1], v[2] + v[3]);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Logs only; the OS cleans /tmp.
        }
    }

    private static async Task<(string PrivateKeyFile, string PublicKey)> KeyPairAsync(string folder, string name)
    {
        var file = Path.Combine(folder, name + ".key");
        var result = (await Oracle.Testing.Commands.RunAsync("sh", "-c", "umask 077; wg genkey | tee \"$1\" | wg pubkey", "sh", file)).EnsureSuccess();
        return (file, result.StandardOutput.Trim());
    }

    private async Task UpAsync(NetworkNamespace ns, string name, string privateKeyFile, string peerPublicKey, string peerUnderlay, string address, string peerAddress, int mtu)
    {
        ns.StartProcess(Path.Combine(_folder, ns.Name + ".wireguard.log"), "wireguard-go", "-f", name);
        for (var i = 0; (await ns.ExecAsync("ip", "link", "show", name)).ExitCode != 0; i++)
        {
            if (i == 100)
            {
                throw new InvalidOperationException($"wireguard-go did not create {name} in {ns.Name}");
            }

            await Task.Delay(50);
        }

        (await ns.ExecAsync("wg", "set", name, "listen-port", "51820", "private-key", privateKeyFile,
            "peer", peerPublicKey, "allowed-ips", peerAddress + "/32", "endpoint", peerUnderlay + ":51820")).EnsureSuccess();
        (await ns.ExecAsync("ip", "addr", "add", address + "/32", "peer", peerAddress + "/32", "dev", name)).EnsureSuccess();
        (await ns.ExecAsync("ip", "link", "set", name, "mtu", mtu.ToString(CultureInfo.InvariantCulture), "up")).EnsureSuccess();
    }
}
