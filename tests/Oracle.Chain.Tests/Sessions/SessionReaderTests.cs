using System.Numerics;
using Nethereum.Contracts;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Events;
using Oracle.Chain.Model;
using Oracle.Chain.Sessions;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Sessions;

[Collection(ChainCollection.Name)]
public sealed class SessionReaderTests(ChainFixture chain)
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    [Fact]
    public async Task FindAsync_OpenedSession_RebuildsCommittedTermsAndStateSearchingInBoundedRanges()
    {
        var (_, deployer) = await chain.NewAccountAsync(1000);
        var manifest = await OracleNetworkDeployer.DeployAsync(deployer, "test");
        var (_, provider) = await chain.NewAccountAsync(1000);
        var (_, client) = await chain.NewAccountAsync(1000);
        var providerAddress = provider.TransactionManager.Account!.Address;
        foreach (var w in new[] { provider, client })
        {
            await new TokenExchangeService(w, manifest.AddressOf(ContractNames.TokenExchange)).BuyWithEthAsync(0, Token / 10);
        }

        var registry = new ProviderRegistryService(provider, manifest.AddressOf(ContractNames.ProviderRegistry));
        await new VpnTokenService(provider, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(registry.Address, 500 * Token);
        var info = new ProviderInfo { Endpoint = "198.18.0.9:51820", TunnelPublicKey = new byte[32], Region = "SE\0\0\0\0\0\0"u8.ToArray(), PricePerMiB = 5, PolicyHash = new byte[32], PolicyUri = "u" };
        info.TunnelPublicKey[0] = 1;
        info.PolicyHash[0] = 2;
        await registry.RegisterAsync(info, 500 * Token);
        var sessions = new SessionManagerService(client, manifest.AddressOf(ContractNames.SessionManager));
        await new VpnTokenService(client, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(sessions.Address, 10 * Token);
        var receipt = await sessions.OpenSessionAsync(new OpenParams { Provider = providerAddress, Deposit = 10 * Token, PricePerMiB = 5, PolicyHash = info.PolicyHash, Penalty = Token, CommitteeSize = 3 });
        var id = receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event.SessionId;
        await chain.MineAsync(10);
        var deployedAt = manifest.Contracts[ContractNames.SessionManager].BlockNumber;

        // Three blocks per log query: the search walks back over several ranges from the head.
        var found = await new SessionReader(client, sessions.Address, deployedAt, maxRange: 3).FindAsync(id);

        Assert.NotNull(found);
        Assert.Equal(providerAddress, found.Value.Record.Terms.Provider, ignoreCase: true);
        Assert.Equal((byte)SessionStatus.Open, found.Value.State.Status);
        Assert.Null(await new SessionReader(client, sessions.Address).FindAsync(id + 100));
        Assert.Equal((ulong)receipt.BlockNumber.Value, found.Value.Record.BlockNumber);
        var opened = client.Eth.GetEvent<SessionOpenedEvent>(sessions.Address).CreateFilterInput();
        var logs = await new LogRangeReader(client, maxRange: 3).ReadAsync(opened, deployedAt, await chain.BlockNumberAsync());
        Assert.Equal([id], logs.Select(l => l.DecodeEvent<SessionOpenedEvent>().Event.SessionId));
    }
}
