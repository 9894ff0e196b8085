using Oracle.Testing;

namespace Oracle.Contracts.Tests.Support;

/// <summary>
/// The cast of a dispute test: a freshly deployed network, its staked oracles (the price reporters are staked oracles
/// too) by address, a registered provider and a client holding VPN tokens.
/// </summary>
internal sealed record DisputeArena(TestNetwork Network, Dictionary<string, Actor> Oracles, Actor Provider, Actor Client)
{
    /// <summary>Deploys the network and stakes <paramref name="oracles"/> more oracles, oracle <c>i</c> with <paramref name="stakeOf"/>(i) VPN.</summary>
    public static async Task<DisputeArena> CreateAsync(ChainFixture chain, int oracles, Func<int, long> stakeOf, long providerExtraVpn, long clientVpn)
    {
        var network = await TestNetwork.DeployAsync(chain);
        var staked = new Dictionary<string, Actor>(StringComparer.OrdinalIgnoreCase);
        foreach (var reporter in network.PriceOracles)
        {
            staked[reporter.Address] = reporter;
        }

        for (var i = 0; i < oracles; i++)
        {
            var oracle = await network.NewOracleAsync(stakeOf(i));
            staked[oracle.Address] = oracle;
        }

        return new DisputeArena(network, staked, await network.NewProviderAsync(extraVpn: providerExtraVpn), await network.NewActorAsync(vpn: clientVpn));
    }
}
