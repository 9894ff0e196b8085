using Oracle.Actions.Sessions;
using Oracle.Chain.Deployment;
using Oracle.Core.Eip712;
using Oracle.Testing;

namespace Oracle.Cli.Tests.Support;

/// <summary>
/// A network of its own for the panel tests (staking oracles on the shared network would change other tests' draws): a
/// private chain, the contracts, three staked oracles and a registered provider.
/// </summary>
public sealed class PanelNetwork : IAsyncLifetime
{
    private readonly PrivateChainFixture _node = new();

    public CliHarness Cli { get; private set; } = null!;

    /// <summary>The staked oracles' addresses (checksummed, in no particular order).</summary>
    public IReadOnlyList<string> Oracles { get; private set; } = [];

    public CliHarness.User Provider { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _node.InitializeAsync();
        Cli = await CliHarness.OwnNetworkAsync(_node.Chain);
        Oracles = [.. (await Support.Oracles.StakeAsync(Cli, 3)).Select(o => Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(o.Key.GetPublicAddress()))];
        Provider = await Commands.ProviderCommandsTests.RegisteredAsync(Cli);
    }

    public async Task DisposeAsync()
    {
        Cli?.Dispose();
        await _node.DisposeAsync();
    }

    /// <summary>The number of transactions <paramref name="address"/> has sent (what "nothing was sent" is checked by).</summary>
    public async Task<ulong> NonceAsync(string address)
        => (ulong)(await Cli.Chain.ReadOnly.Eth.Transactions.GetTransactionCount.SendRequestAsync(address)).Value;

    /// <summary>
    /// An acceptance signed by <paramref name="signer"/> (not through the command line: what a forger or an old
    /// acceptance looks like), claiming to be <paramref name="provider"/>'s.
    /// </summary>
    public PanelAcceptanceDocument Sign(Nethereum.Signer.EthECKey signer, string provider, string client, System.Numerics.BigInteger penalty, IReadOnlyList<string> panel,
        ulong deadline)
    {
        var manifest = DeploymentManifest.Load(Cli.Manifest);
        var sorted = panel.OrderBy(p => p.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        var document = new PanelAcceptanceDocument((ulong)Cli.Chain.ChainId, manifest.AddressOf(ContractNames.SessionManager), provider, client, penalty, sorted.Count, sorted,
            deadline, new byte[65]);
        var signature = TypedDataSigner.Sign(document.ToMessage(), TypedDataDomain.SessionManager(Cli.Chain.ChainId, document.SessionManager), signer);
        return document with { Signature = Convert.FromHexString(signature[2..]) };
    }
}
