using System.Globalization;
using System.Text.Json;
using Oracle.Actions.Sessions;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Units;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Devnet.Runtime;
using Oracle.Core.Policy;

namespace Oracle.Devnet.Scenario;

public static partial class MainJobSteps
{
    private const int ClientMetricsPort = 9581;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static async Task ExitSessionAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var topology = world.Topology!;
        var session = await ConnectClientAsync(world, Alice, "alice", topology.ClientEth, topology.ClientEthAddress, world.Actor(ExitProvider).Address,
            deposit: "20", penalty: "5", [topology.InternetPrefix, topology.ProviderLanPrefix], cancellationToken);
        world.Facts.ExitSession = session;

        var page = await world.RunInAsync(topology.ClientEth, TimeSpan.FromSeconds(15), "curl", "-sS", "--max-time", "10", $"http://{topology.InternetServer}:{ScenarioRelay.WebPort}/");
        if (page.ExitCode != 0 || !page.Output.Contains("Hello from", StringComparison.Ordinal))
        {
            throw new ScenarioStepException($"curl through the exit did not reach the internet's web server: {page.Output.Trim()}");
        }

        world.Facts.ExitPage = page.Output.Trim();
        world.Reporter.Detail($"curl http://{topology.InternetServer}/ through the tunnel: {world.Facts.ExitPage}");

        var iperf = await world.RunInAsync(topology.ClientEth, TimeSpan.FromSeconds(30), "iperf3", "--client", topology.InternetServer, "--port", "5201", "--time", "3", "--json");
        if (iperf.ExitCode != 0)
        {
            throw new ScenarioStepException($"iperf3 through the exit failed: {iperf.Output.Trim()[..Math.Min(400, iperf.Output.Trim().Length)]}");
        }

        using (var result = JsonDocument.Parse(iperf.Output))
        {
            var sum = result.RootElement.GetProperty("end").GetProperty("sum_received");
            world.Facts.IperfBytes = sum.GetProperty("bytes").GetInt64();
            world.Facts.IperfBitsPerSecond = sum.GetProperty("bits_per_second").GetDouble();
        }

        world.Reporter.Detail(string.Create(CultureInfo.InvariantCulture,
            $"iperf3 through the exit: {world.Facts.IperfBytes / 1048576.0:0.0} MiB in 3 s, {world.Facts.IperfBitsPerSecond / 1e6:0} Mbit/s"));

        var vouchers = await WaitForMetricAsync(ProviderStatusUrl(world, topology.ExitProviderAddress), "oracle_vpngateway_metering_vouchers_accepted", 1, TimeSpan.FromSeconds(30), cancellationToken);
        world.Reporter.Detail($"the exit provider accepted {vouchers} signed voucher(s) for the traffic so far");
    }

    private static async Task SmbAttemptAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var topology = world.Topology!;
        var before = await MetricAsync(ProviderStatusUrl(world, topology.ExitProviderAddress), "oracle_vpngateway_metering_vouchers_accepted", cancellationToken);
        var smb = await world.RunInAsync(topology.ClientEth, TimeSpan.FromSeconds(15), "curl", "-sS", "--connect-timeout", "3", $"telnet://{topology.ProviderLanHost}:445");
        if (smb.ExitCode == 0)
        {
            throw new ScenarioStepException($"the SMB connection to {topology.ProviderLanHost}:445 went through; the provider's policy should have denied it");
        }

        using var status = JsonDocument.Parse(await Http.GetStringAsync(new Uri(ProviderStatusUrl(world, topology.ExitProviderAddress) + "/status"), cancellationToken));
        var denials = status.RootElement.GetProperty("denialsByRule").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        if (denials.Count == 0)
        {
            throw new ScenarioStepException("the SMB attempt failed, but the exit provider's gateway counted no policy denial");
        }

        world.Facts.Denials = denials;
        world.Reporter.Detail($"blocked by the exit provider's policy: {string.Join(", ", denials.Select(d => $"{MainJobReport.DescribeRule(d.Key)}: {d.Value} packet(s)"))}");

        // The denied flow closes after its idle timeout and goes into the next checkpoint, which alice vouches for.
        var after = await WaitForMetricAsync(ProviderStatusUrl(world, topology.ExitProviderAddress), "oracle_vpngateway_metering_vouchers_accepted", before + 2, TimeSpan.FromSeconds(60), cancellationToken);
        world.Reporter.Detail($"the denied flow is in a checkpoint alice signed a voucher for ({after} vouchers accepted)");
    }

    private static Task DisputeAsync(ScenarioWorld world, CancellationToken cancellationToken)
        => NotPlayedAsync(world, "disputes need the evidence collector's proofs, the Arbitration API and the oracle nodes (issues 11 to 13), not on this build");

    private static async Task SiteSessionAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var topology = world.Topology!;
        var session = await ConnectClientAsync(world, Bob, "bob", topology.ClientBtc, topology.ClientBtcAddress, world.Actor(SiteProvider).Address,
            deposit: "10", penalty: "2", [topology.CompanyLanPrefix], cancellationToken);
        world.Facts.SiteSession = session;
        var page = await world.RunInAsync(topology.ClientBtc, TimeSpan.FromSeconds(15), "curl", "-sS", "--max-time", "10", $"http://{topology.CompanyServer}:{ScenarioRelay.WebPort}/");
        if (page.ExitCode != 0 || !page.Output.Contains("Hello from", StringComparison.Ordinal))
        {
            throw new ScenarioStepException($"curl over the site-to-site link did not reach the company's intranet server: {page.Output.Trim()}");
        }

        world.Facts.CompanyPage = page.Output.Trim();
        world.Reporter.Detail($"curl http://{topology.CompanyServer}/ on the company LAN: {world.Facts.CompanyPage}");
        await WaitForMetricAsync(ProviderStatusUrl(world, topology.SiteProviderAddress), "oracle_vpngateway_metering_vouchers_accepted", 1, TimeSpan.FromSeconds(30), cancellationToken);

        // Bob disconnects: his gateway ends the session (the last epoch vouched for); the provider's gateway closes it
        // on-chain with his latest voucher by itself (its settlement, docs/gateway.md).
        await world.Network.Services["bob-gateway"].StopAsync(cancellationToken);
        await WaitClosedByGatewayAsync(world, session, world.Actor(SiteProvider), cancellationToken);
    }

    // Alice disconnects after the disputes; the exit provider's gateway closes her session with her latest voucher.
    private static async Task CloseExitSessionAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var sessionId = world.Facts.ExitSession ?? throw new ScenarioStepException("no exit session");
        await world.Network.Services["alice-gateway"].StopAsync(cancellationToken);
        await WaitClosedByGatewayAsync(world, sessionId, world.Actor(ExitProvider), cancellationToken);
    }

    // The provider's gateway closes an ended session on-chain by itself with the client's latest voucher (its
    // settlement, docs/gateway.md): nobody runs a command. Waits for the SessionClosed event, then for the collector to
    // hold the voucher it redeemed (the last batch is published after the close request), which must pay exactly what
    // the close paid.
    private static async Task WaitClosedByGatewayAsync(ScenarioWorld world, ulong sessionId, ScenarioActor provider, CancellationToken cancellationToken)
    {
        var web3 = provider.Actions.Web3;
        var events = web3.Eth.GetEvent<SessionClosedEvent>(world.Network.Manifest!.AddressOf(ContractNames.SessionManager));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        SessionClosedEvent? closed = null;
        while (closed is null)
        {
            var logs = await events.GetAllChangesAsync(events.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()));
            closed = logs.Select(l => l.Event).FirstOrDefault(e => e.SessionId == sessionId);
            if (closed is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new ScenarioStepException($"{provider.Name}'s gateway did not close session {sessionId} on-chain within 90 s (see its log)");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }

        VoucherDocument? redeemed = null;
        while (redeemed is null)
        {
            var fetched = await CollectorVouchers.LatestAsync(new Uri(world.Collector!.Url + "/"), sessionId, cancellationToken);
            if (fetched.IsSuccess && fetched.Value is { } latest && latest.CumulativeAmount == closed.PaidToProvider)
            {
                redeemed = latest;
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new ScenarioStepException($"session {sessionId} was closed paying {closed.PaidToProvider} base units, but the collector's latest voucher "
                    + $"pays {(fetched.IsSuccess ? fetched.Value?.CumulativeAmount.ToString(CultureInfo.InvariantCulture) : fetched.Error.ToString())}");
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }

        world.Facts.ClosingVouchers[sessionId] = redeemed;
        world.Reporter.Detail($"session {sessionId} closed by {provider.Name}'s gateway: voucher for {redeemed.CumulativeBytes:N0} bytes, "
            + $"{Asset.Vpn.Amount(closed.PaidToProvider)} paid, {Asset.Vpn.Amount(closed.RefundedToClient)} back to the client");
    }

    // Starts a client gateway in its namespace that opens its own session (Connect:Deposit) and waits until it carries it.
    private static async Task<ulong> ConnectClientAsync(ScenarioWorld world, string actor, string folder, string networkNamespace, string address, string provider,
        string deposit, string penalty, string[] routes, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(world.Folder, folder);
        Directory.CreateDirectory(directory);
        await TunnelKeyAsync(world, Path.Combine(directory, "tunnel.json"), cancellationToken);
        var config = await world.WriteJsonAsync(Path.Combine(folder, "client.json"), new
        {
            Keys = new { TunnelKeystore = Path.Combine(directory, "tunnel.json"), PasswordFile = world.PasswordFile },
            Chain = new { RpcUrl = world.NamespaceRpcUrl, Manifest = world.Network.ManifestPath, Keystore = world.Actor(actor).Keystore, PasswordFile = world.PasswordFile },
            Connect = new { Provider = provider, Deposit = deposit, Penalty = penalty, CommitteeSize = 3, Routes = routes },
            Metering = new { SpoolPath = Path.Combine(directory, "metering-spool.db") },
            Metrics = new { Listen = $"{address}:{ClientMetricsPort.ToString(CultureInfo.InvariantCulture)}" },
        }, cancellationToken);
        var assembly = world.Options.Repository.ServiceAssembly("VpnGateway", "vpngateway")!;
        var gateway = new ServiceProcess(folder + "-gateway", assembly, directory, new Dictionary<string, string>(), ["connect", "--config", config], ClientMetricsPort,
            networkNamespace, address);
        await world.StartAsync(gateway, cancellationToken);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!gateway.IsRunning)
            {
                throw new ScenarioStepException($"{actor}'s gateway exited; last lines of {gateway.LogPath}:\n{gateway.Processes[^1].LogTail(8)}");
            }

            try
            {
                using var status = JsonDocument.Parse(await Http.GetStringAsync(new Uri(gateway.Url + "/status"), cancellationToken));
                if (status.RootElement.GetProperty("sessions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } session)
                {
                    var id = session.GetProperty("sessionId").GetUInt64();
                    world.Reporter.Detail($"{actor}'s gateway opened session {id} on-chain (deposit {deposit} VPN, committee of 3 drawn) and connected ({session.GetProperty("interface").GetString()})");
                    return id;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new ScenarioStepException($"{actor}'s gateway did not carry a session within 60 s; see {gateway.LogPath}");
    }

    private static string ProviderStatusUrl(ScenarioWorld world, string address) => $"http://{address}:{MetricsPort.ToString(CultureInfo.InvariantCulture)}";

    private static async Task<long> MetricAsync(string baseUrl, string name, CancellationToken cancellationToken)
    {
        var text = await Http.GetStringAsync(new Uri(baseUrl + "/metrics"), cancellationToken);
        long total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is ' ' or '{'))
            {
                total += (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private static async Task<long> WaitForMetricAsync(string baseUrl, string name, long atLeast, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        long value = 0;
        while (DateTime.UtcNow < deadline)
        {
            value = await MetricAsync(baseUrl, name, cancellationToken);
            if (value >= atLeast)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new ScenarioStepException($"{name} at {baseUrl} stayed at {value}, expected at least {atLeast} within {timeout.TotalSeconds:0} s");
    }
}
