using System.Numerics;
using System.Security.Cryptography;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Evidence;

[Collection(ChainCollection.Name)]
public sealed class AnchorReaderTests(ChainFixture chain)
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    [Fact]
    public async Task AnchorsAsync_InterleavedLogs_ReturnsOneLogsAnchorsInOrderThatProveOnChain()
    {
        var (_, deployer) = await chain.NewAccountAsync(1000);
        var manifest = await OracleNetworkDeployer.DeployAsync(deployer, "test");
        var (_, collector) = await chain.NewAccountAsync(1000);
        var registryAddress = manifest.AddressOf(ContractNames.EvidenceRegistry);
        await new TokenExchangeService(collector, manifest.AddressOf(ContractNames.TokenExchange)).BuyWithEthAsync(0, Token / 5);
        await new VpnTokenService(collector, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(registryAddress, 1000 * Token);
        var registry = new EvidenceRegistryService(collector, registryAddress);
        await registry.RegisterCollectorAsync(1000 * Token);
        var (a, b) = (SHA256.HashData("log a"u8), SHA256.HashData("log b"u8));
        foreach (var size in new ulong[] { 2, 5, 9 })
        {
            await registry.AnchorAsync(a, size, SHA256.HashData(BitConverter.GetBytes(size)));
            await registry.AnchorAsync(b, size + 1, SHA256.HashData(BitConverter.GetBytes(size + 100)));
        }

        var reader = new AnchorReader(collector, registryAddress, manifest.Contracts[ContractNames.EvidenceRegistry].BlockNumber);
        var anchors = await reader.AnchorsAsync(a);

        Assert.Equal([2UL, 5UL, 9UL], anchors.Select(x => x.TreeSize));
        Assert.Equal(SHA256.HashData(BitConverter.GetBytes(5UL)), anchors[1].Root);
        Assert.True(await registry.VerifyAnchorsQueryAsync(a, AnchorChain.Proof(anchors, 1)));
        Assert.False(await registry.VerifyAnchorsQueryAsync(b, AnchorChain.Proof(anchors, 1)));
        Assert.Empty(await reader.AnchorsAsync(SHA256.HashData("log c"u8)));
    }
}
