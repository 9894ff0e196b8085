using OracleNode.Tests.Support;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// Five honest nodes on a fresh network, started once for a test class: four with 20,000 VPN of stake and one with
/// 5,000; plus a dishonest node (the test switch) with the minimum stake, seated by named panels where a test wants it.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal TestWorld World { get; private set; } = null!;

    internal NodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        World = await TestWorld.DeployAsync();
        Cluster = await NodeCluster.StartAsync(World,
        [
            new NodeSpec("honest-1", 20_000),
            new NodeSpec("honest-2", 20_000),
            new NodeSpec("honest-3", 20_000),
            new NodeSpec("honest-4", 20_000),
            new NodeSpec("honest-5", 5_000),
            new NodeSpec("dishonest", 1_000, Dishonest: true),
        ]);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
    }
}
