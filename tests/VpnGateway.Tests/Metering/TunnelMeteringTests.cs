using System.Globalization;
using System.Text.Json;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Hosting;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// Metering end to end on the real tunnel: a client and a provider <c>vpngateway</c> in throwaway namespaces
/// (198.18.0.0/15 only), an "internet" host behind the provider; iperf3, curl and an SMB attempt through the tunnel;
/// the provider's evidence published to RabbitMQ and checked by a consumer against the tunnel's own counters.
/// </summary>
public sealed class TunnelMeteringTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private const string InternetHost = "198.18.100.1";
    private readonly List<NetworkNamespace> _namespaces = [];
    private readonly List<TinyHttpServer> _servers = [];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"mtr-{Environment.ProcessId}-{Guid.NewGuid():N}"[..28]);
    private NetworkNamespace _client = null!;
    private NetworkNamespace _provider = null!;
    private NetworkNamespace _internet = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _client = await Namespace("mtc");
        _provider = await Namespace("mtp");
        _internet = await Namespace("mti");
        await NetworkNamespace.ConnectAsync(_client, "198.18.1.1/29", _provider, "198.18.1.2/29");
        var (uplink, _) = await NetworkNamespace.ConnectAsync(_provider, "198.18.2.1/30", _internet, "198.18.2.2/30");
        (await _internet.ExecAsync("ip", "addr", "add", InternetHost + "/32", "dev", "lo")).EnsureSuccess();
        (await _provider.ExecAsync("ip", "route", "add", "198.18.100.0/24", "via", "198.18.2.2")).EnsureSuccess();
        Uplink = uplink;
    }

    private string Uplink { get; set; } = "";

    [Fact]
    public async Task Tunnel_IperfCurlAndSmbThroughIt_EvidenceMatchesTheTunnelAndTheClientPaysForIt()
    {
        var file = new byte[8 << 20];
        new Random(3).NextBytes(file);
        _servers.Add(TinyHttpServer.Start(_internet, InternetHost, 8080, new Dictionary<string, byte[]> { ["file.bin"] = file }));
        _servers.Add(TinyHttpServer.Start(_internet, InternetHost, 445, new Dictionary<string, byte[]>()));
        _internet.StartProcess(Path.Combine(_folder, "iperf3.log"), "iperf3", "-s", "-B", InternetHost);

        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var batches = new System.Collections.Concurrent.ConcurrentQueue<EvidenceBatch>();
        var inbox = new EvidenceInbox(session) { OnFirstDelivery = batches.Enqueue };
        using var consumer = BusHosts.Create(rabbit.AmqpUrl, RabbitMqFixture.UniqueName("evidence-tunnel"), inbox);
        await consumer.StartAsync();

        // The provider's gateway reaches the test broker through its namespace's loopback.
        var amqp = new Uri(rabbit.AmqpUrl);
        await using var forward = NamespacePortForward.Start(_provider, 5672, new System.Net.IPEndPoint(System.Net.IPAddress.Parse(amqp.Host), amqp.Port));
        var insideUrl = new UriBuilder(amqp) { Host = "127.0.0.1", Port = 5672 }.Uri.ToString();

        var password = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(password, "metering-test-only\n");
        var providerTunnel = TunnelKeyFile.Create(Path.Combine(_folder, "provider.key"), password, light: true).PublicKey;
        var clientTunnel = TunnelKeyFile.Create(Path.Combine(_folder, "client.key"), password, light: true).PublicKey;
        var providerKey = DevelopmentKeys.Key(22);
        var clientKey = DevelopmentKeys.Key(23);
        KeyStoreFile.Create(Path.Combine(_folder, "provider.eth"), providerKey, "metering-test-only", KeyStoreCost.Light);
        KeyStoreFile.Create(Path.Combine(_folder, "client.eth"), clientKey, "metering-test-only", KeyStoreCost.Light);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "exit.json"), PolicyDocument.DefaultExit.CanonicalJson.ToArray());
        var metering = $$"""
            "Chain": { "ChainId": 31337, "Contracts": { "SessionManager": "{{MeteringHarness.SessionManager}}" }, "PasswordFile": "{{password}}", "Keystore": "{{_folder}}/ROLE.eth" },
            "Metering": { "EpochInterval": "00:00:02", "SweepInterval": "00:00:00.500", "VoucherGrace": "00:00:30", "PricePerMiB": "1000",
                          "Flows": { "IdleTimeout": "00:00:02", "ActiveTimeout": "00:00:30" },
            """;
        var provider = Start(_provider, "provider", "serve", $$"""
            { "Keys": { "TunnelKeystore": "{{_folder}}/provider.key", "PasswordFile": "{{password}}" },
              {{metering.Replace("ROLE", "provider", StringComparison.Ordinal)}} "SpoolPath": "{{_folder}}/provider.db" },
              "Bus": { "Url": "{{insideUrl}}" },
              "Serve": { "Listen": "0.0.0.0:51820", "AddressPool": "198.19.210.0/24", "InterfacePattern": "omp%d",
                         "Exit": { "Enabled": true, "Masquerade": true, "Uplink": "{{Uplink}}" } },
              "Directory": { "Sessions": [ { "Id": {{session}}, "TunnelKey": "{{Convert.ToBase64String(clientTunnel)}}",
                                             "Client": "{{clientKey.GetPublicAddress()}}", "Policy": "{{_folder}}/exit.json" } ] },
              "Metrics": { "Listen": "127.0.0.1:9595" } }
            """);
        await GatewayNetwork.WaitForLog(Path.Combine(_folder, "provider.log"), "serving on", TimeSpan.FromSeconds(60));
        Start(_client, "client", "connect", $$"""
            { "Keys": { "TunnelKeystore": "{{_folder}}/client.key", "PasswordFile": "{{password}}" },
              {{metering.Replace("ROLE", "client", StringComparison.Ordinal)}} "SpoolPath": "{{_folder}}/client.db", "ProviderAddress": "{{providerKey.GetPublicAddress()}}" },
              "Connect": { "ProviderKey": "{{Convert.ToBase64String(providerTunnel)}}", "Endpoint": "198.18.1.2:51820", "SessionId": {{session}},
                           "Routes": ["0.0.0.0/0"], "InterfacePattern": "omc%d" },
              "Metrics": { "Listen": "127.0.0.1:9596" } }
            """);
        await GatewayNetwork.WaitForLog(Path.Combine(_folder, "client.log"), $"connected: session {session}", TimeSpan.FromSeconds(60));

        // The very first packet after the connect reports up gets through (one echo request, no retry): no side drops a
        // packet of a session that is still starting.
        (await _client.ExecAsync(TimeSpan.FromSeconds(10), "ping", "-c", "1", "-W", "3", InternetHost)).EnsureSuccess();
        Assert.Equal(0, GatewayNetwork.Drop(await GatewayNetwork.StatusAsync(_provider, 9595), "session_not_running"));
        Assert.Equal(0, GatewayNetwork.Drop(await GatewayNetwork.StatusAsync(_client, 9596), "session_not_running"));

        // Traffic through the tunnel: a download, an upload at a steady rate, and an SMB attempt the exit policy denies.
        var curl = await _client.ExecAsync(TimeSpan.FromSeconds(60), "curl", "-s", "-o", "/dev/null", "-w", "%{size_download}", $"http://{InternetHost}:8080/file.bin");
        Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), curl.EnsureSuccess().StandardOutput.Trim());
        var iperf = (await _client.ExecAsync(TimeSpan.FromSeconds(60), "iperf3", "-c", InternetHost, "-t", "3", "-b", "200M", "-J")).EnsureSuccess();
        var smb = await _client.ExecAsync(TimeSpan.FromSeconds(10), "curl", "-s", "--max-time", "2", $"http://{InternetHost}:445/");
        Assert.NotEqual(0, smb.ExitCode);

        // Let every flow go idle and every epoch be checkpointed and paid, then compare with the tunnel's counters.
        var status = await SessionStatusAsync(session);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Allowed(batches, TrafficDirection.Outbound).Octets < (ulong)status.RxBytes || Allowed(batches, TrafficDirection.Inbound).Octets < (ulong)status.TxBytes
               || batches.Any(b => b.Voucher is null) || !batches.Any(b => Open(b, session).Any(IsDeniedSmb)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"evidence incomplete: {batches.Count} batches, {Allowed(batches, TrafficDirection.Outbound)} out / {Allowed(batches, TrafficDirection.Inbound)} in, tunnel {status}\n{await File.ReadAllTextAsync(Path.Combine(_folder, "provider.log"))}");
            await Task.Delay(500);
            status = await SessionStatusAsync(session);
        }

        await consumer.StopAsync();

        // Every batch: valid signatures, and the client's voucher commits to the provider's checkpoint root.
        Assert.All(inbox.Batches.Values, b => Assert.Equal(EvidenceBatchError.None, b.Error));
        Assert.All(batches, b => Assert.Equal(b.Checkpoint.Root, b.Voucher!.LogRoot));
        Assert.All(batches, b => Assert.Null(b.Rejection));
        Assert.Equal(clientKey.GetPublicAddress(), batches.First().Client);

        // The records' bytes and packets equal the tunnel's counters.
        var outbound = Allowed(batches, TrafficDirection.Outbound);
        var inbound = Allowed(batches, TrafficDirection.Inbound);
        Assert.Equal((ulong)status.RxBytes, outbound.Octets);
        Assert.Equal((ulong)status.TxBytes, inbound.Octets);
        Assert.Equal((ulong)status.RxPackets, outbound.Packets);
        Assert.Equal((ulong)status.TxPackets, inbound.Packets);

        // iperf3's bytes within 0.1 % (plus what TCP had to send again), curl's file, and the SMB attempt denied by rule 1.
        var records = batches.SelectMany(b => Open(b, session)).Select(r => FlowRecordEncoding.TryDecode(r, out var d) == FlowRecordError.None ? d : throw new InvalidDataException()).ToList();
        var end = JsonDocument.Parse(iperf.StandardOutput).RootElement.GetProperty("end");
        var received = end.GetProperty("sum_received").GetProperty("bytes").GetUInt64();
        var sent = end.GetProperty("sum_sent").GetProperty("bytes").GetUInt64();
        var resent = end.GetProperty("sum_sent").GetProperty("retransmits").GetUInt64() * 1400;
        var upload = records.Where(r => r.Verdict == FlowVerdict.Allowed && r.Direction == TrafficDirection.Outbound && r.DestinationPort == 5201).Sum(r => (long)r.PayloadOctets);

        // The tunnel carried everything the sender wrote, also what was still in flight when the receiver stopped counting
        // (on a loaded machine the two differ by more than 0.1 %).
        Assert.InRange((ulong)upload, received, Math.Max(sent, received) + resent + (received / 1000));
        var download = records.Where(r => r.Verdict == FlowVerdict.Allowed && r.Direction == TrafficDirection.Inbound && r.SourcePort == 8080).Sum(r => (long)r.PayloadOctets);
        Assert.InRange(download, file.Length, file.Length + (file.Length / 1000));
        // The SMB attempt's SYNs (a record per epoch while curl retries: open flows are checkpointed every epoch).
        var denied = records.Where(r => r.Verdict == FlowVerdict.Denied && r.DestinationPort == 445).ToList();
        Assert.NotEmpty(denied);
        Assert.All(denied, r => Assert.Equal(1U, r.RuleId));
        Assert.All(denied, r => Assert.Equal(TrafficDirection.Outbound, r.Direction));
        Assert.Single(denied.Select(r => r.SourcePort).Distinct());
        Assert.False(provider.HasExited);

        // Private by construction (docs/protocol.md §5.5): what the broker carried names no address or port of the traffic.
        Assert.NotEmpty(inbox.Bodies);
        foreach (var body in inbox.Bodies)
        {
            AssertNoTrafficIn(body, records);
        }
    }

    /// <summary>
    /// The published message carries none of the session's addresses or ports: neither as text, nor in any base64 field
    /// (the leaf hashes, the sealed records, the roots) as the 4 bytes of an IPv4 address, its 16-byte mapped form, or a
    /// record's source and destination port pair.
    /// </summary>
    private static void AssertNoTrafficIn(byte[] body, IReadOnlyList<FlowRecord> records)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        var addresses = records.SelectMany(r => new[] { r.Source, r.Destination }).Distinct().ToList();
        var patterns = new List<byte[]>();
        foreach (var address in addresses)
        {
            Assert.DoesNotContain(address.ToString(), text, StringComparison.Ordinal);
            patterns.Add(address.GetAddressBytes());
            patterns.Add(address.MapToIPv6().GetAddressBytes());
        }

        foreach (var record in records.Where(r => r.SourcePort != 0 || r.DestinationPort != 0))
        {
            patterns.Add([(byte)(record.SourcePort >> 8), (byte)record.SourcePort, (byte)(record.DestinationPort >> 8), (byte)record.DestinationPort]);
        }

        var fields = 0;
        foreach (var field in Base64Fields(JsonDocument.Parse(body).RootElement))
        {
            fields++;
            foreach (var pattern in patterns)
            {
                Assert.True(field.AsSpan().IndexOf(pattern) < 0, $"a published field holds {Convert.ToHexString(pattern)}");
            }
        }

        Assert.True(fields > 0, "no binary field in the published batch");
    }

    private static IEnumerable<byte[]> Base64Fields(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var field in Base64Fields(property.Value))
                    {
                        yield return field;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var field in Base64Fields(item))
                    {
                        yield return field;
                    }
                }

                break;
            case JsonValueKind.String when element.TryGetBytesFromBase64(out var bytes) && bytes.Length >= 16:
                yield return bytes;
                break;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        foreach (var ns in _namespaces)
        {
            await ns.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // The records as the client (a party of the session) reads them from the published batches: with its copy of the
    // session's evidence key, each sealed record opened and checked against its leaf hash.
    private IReadOnlyList<byte[]> Open(EvidenceBatch batch, ulong session) => batch.OpenRecords(SealedEvidence.KeyIn(Path.Combine(_folder, "client.db"), session));

    private static bool IsDeniedSmb(byte[] record)
        => FlowRecordEncoding.TryDecode(record, out var r) == FlowRecordError.None && r.Verdict == FlowVerdict.Denied && r.DestinationPort == 445;

    private (ulong Packets, ulong Octets) Allowed(IEnumerable<EvidenceBatch> batches, TrafficDirection direction)
    {
        ulong packets = 0, octets = 0;
        foreach (var record in batches.SelectMany(b => Open(b, b.SessionId)))
        {
            if (FlowRecordEncoding.TryDecode(record, out var r) == FlowRecordError.None && r.Verdict == FlowVerdict.Allowed && r.Direction == direction)
            {
                packets += r.Packets;
                octets += r.Octets;
            }
        }

        return (packets, octets);
    }

    private async Task<(long RxBytes, long TxBytes, long RxPackets, long TxPackets)> SessionStatusAsync(ulong session)
    {
        var status = await GatewayNetwork.StatusAsync(_provider, 9595);
        foreach (var s in status.GetProperty("sessions").EnumerateArray())
        {
            if (s.GetProperty("sessionId").GetUInt64() == session)
            {
                return (s.GetProperty("rxBytes").GetInt64(), s.GetProperty("txBytes").GetInt64(), s.GetProperty("rxPackets").GetInt64(), s.GetProperty("txPackets").GetInt64());
            }
        }

        throw new InvalidOperationException($"session {session} not in the provider's status: {status}");
    }

    private System.Diagnostics.Process Start(NetworkNamespace ns, string name, string command, string config)
    {
        var path = Path.Combine(_folder, name + ".json");
        File.WriteAllText(path, config);
        return ns.StartProcess(Path.Combine(_folder, name + ".log"), "dotnet", GatewayNetwork.GatewayDll, command, "--config", path);
    }

    private async Task<NetworkNamespace> Namespace(string prefix)
    {
        var ns = await NetworkNamespace.CreateAsync(prefix);
        _namespaces.Add(ns);
        return ns;
    }
}
