using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Disputes;
using Oracle.Chain.Keys;
using Oracle.Chain.Randomness;
using Oracle.Cli.Tests.Support;
using Oracle.Testing;

namespace Oracle.Cli.Tests.Commands;

/// <summary>
/// A dispute from the filing to everyone collecting, with the command line for the parties' and anyone's steps and the
/// oracles voting through the bindings (a private chain: the phases last days).
/// </summary>
public sealed class DisputeLifecycleTests(PrivateChainFixture node) : IClassFixture<PrivateChainFixture>
{
    [Fact]
    public async Task Dispute_UpheldByTheMajority_ShowExecuteAndClaimPayTheFilerAndTheJurors()
    {
        using var cli = await CliHarness.OwnNetworkAsync(node.Chain);
        var manifest = DeploymentManifest.Load(cli.Manifest);
        var oracles = await Oracles.StakeAsync(cli, 5);
        var (client, provider, sessionId) = await SessionCommandsTests.OpenAsync(cli, "10", "5");
        await provider.BuyVpnAsync("100");
        var file = await provider.RunAsync("dispute", "file", "--session", sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--claim", "client-breached-policy", "--rule", "1", "--evidence", await DisputeCommandsTests.EvidenceFileAsync(cli), "--json");
        Assert.True(file.ExitCode == 0, file.ToString());
        var disputeId = ulong.Parse(file.Json.GetProperty("dispute").GetProperty("disputeId").ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var did = disputeId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The oracles' part: draw, commit, reveal (what OracleNode does).
        await node.Chain.MineAsync();
        var reader = new DisputeReader(cli.Chain.ReadOnly, manifest.AddressOf(ContractNames.DisputeManager));
        var record = (await reader.FindAsync(disputeId))!.Value.Record;
        // The randomness duty: answer the filing's VRF request (the network's coordinator has the development key).
        await new VrfFulfiller(oracles[0].Web3, manifest.AddressOf(ContractNames.VrfCoordinator), DevelopmentKeys.Vrf(), manifest.AddressOf(ContractNames.RandomnessSource)).FulfillPendingAsync(0);
        await node.Chain.MineAsync();
        await new DisputeManagerService(oracles[0].Web3, manifest.AddressOf(ContractNames.DisputeManager)).DrawAsync(disputeId, record);
        var committee = (await reader.CommitteeAsync(disputeId, 0))!.Committee;
        var salts = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var juror in committee.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var web3 = oracles.Single(o => string.Equals(o.Key.GetPublicAddress(), juror, StringComparison.OrdinalIgnoreCase)).Web3;
            var manager = new DisputeManagerService(web3, manifest.AddressOf(ContractNames.DisputeManager));
            salts[juror] = RandomNumberGenerator.GetBytes(32);
            var commitment = await manager.CommitmentOfQueryAsync(juror, disputeId, 0, 1, salts[juror]);
            await manager.CommitAsync(disputeId, 0, [.. committee], commitment);
        }

        var committed = await cli.RunAsync("dispute", "show", did, "--json");
        await node.Chain.IncreaseTimeAsync(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        foreach (var juror in salts.Keys)
        {
            var web3 = oracles.Single(o => string.Equals(o.Key.GetPublicAddress(), juror, StringComparison.OrdinalIgnoreCase)).Web3;
            await new DisputeManagerService(web3, manifest.AddressOf(ContractNames.DisputeManager)).RevealAsync(disputeId, 0, 1, salts[juror]);
        }

        await node.Chain.IncreaseTimeAsync(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var providerBefore = await provider.VpnAsync();

        // Everyone else's part, through the command line.
        var executable = await cli.RunAsync("dispute", "show", did, "--json");
        var execute = await client.RunAsync("dispute", "execute", did, "--json");
        var providerClaim = await provider.RunAsync("dispute", "claim", "--json");
        var juror0 = oracles.Single(o => string.Equals(o.Key.GetPublicAddress(), committee[0], StringComparison.OrdinalIgnoreCase));
        var jurorKeystore = Path.Combine(cli.Folder, "juror.json");
        Oracle.Chain.Keys.KeyStoreFile.Create(jurorKeystore, juror0.Key, CliHarness.Password, Oracle.Chain.Keys.KeyStoreCost.Light);
        var jurorClaim = await cli.RunAsync("dispute", "claim", did, "--keystore", jurorKeystore, "--json");

        Assert.True(committed.ExitCode == 0, committed.ToString());
        Assert.Equal("Commit", committed.Json.GetProperty("phase").GetString());
        Assert.All(committed.Json.GetProperty("rounds")[0].GetProperty("votes").EnumerateArray(), v => Assert.True(v.GetProperty("committed").GetBoolean()));
        Assert.Equal("Executable", executable.Json.GetProperty("phase").GetString());
        Assert.Equal("Upheld", executable.Json.GetProperty("rounds")[0].GetProperty("ruling").GetString());
        Assert.True(execute.ExitCode == 0, execute.ToString());
        Assert.Equal("Executed", execute.Json.GetProperty("dispute").GetProperty("phase").GetString());
        Assert.Equal("Upheld", execute.Json.GetProperty("dispute").GetProperty("ruling").GetString());
        Assert.True(providerClaim.ExitCode == 0, providerClaim.ToString());
        // The penalty (5) from the client's deposit and the filer's stake (50) back.
        Assert.Equal(providerBefore + Oracles.Tokens(55), await provider.VpnAsync());
        Assert.True(jurorClaim.ExitCode == 0, jurorClaim.ToString());
        var reward = jurorClaim.Json.GetProperty("rewards")[0].GetProperty("amount").GetProperty("amount").GetString();
        // Every seat revealed the majority: each seat earns its fee (10 VPN); an oracle may hold several seats.
        var seats = committee.Count(c => string.Equals(c, committee[0], StringComparison.OrdinalIgnoreCase));
        Assert.Equal((10 * seats).ToString(System.Globalization.CultureInfo.InvariantCulture), reward);
    }
}
