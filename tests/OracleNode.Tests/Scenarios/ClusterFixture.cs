using System.Text.Json.Nodes;
using OracleNode.Tests.Support;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// Five honest nodes on a fresh network, started once for a test class: four with 20,000 VPN of stake and one with
/// 5,000; plus a dishonest node (the test switch) with the minimum stake, seated by named panels where a test wants it.
/// The nodes read evidence from two collectors (<see cref="EvidenceServer"/>, tried in order), and wait for evidence a
/// collector did not serve until 5 minutes before the commit deadline (the tests move the clock past the cutoff, 10
/// minutes before it, first).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal TestWorld World { get; private set; } = null!;

    internal NodeCluster Cluster { get; private set; } = null!;

    /// <summary>The collector every node asks first.</summary>
    internal EvidenceServer First { get; private set; } = null!;

    /// <summary>The collector every node asks when the first fails.</summary>
    internal EvidenceServer Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        World = await TestWorld.DeployAsync();
        First = await EvidenceServer.StartAsync(World);
        Second = await EvidenceServer.StartAsync(World);
        Cluster = await NodeCluster.StartAsync(World,
        [
            new NodeSpec("honest-1", 20_000),
            new NodeSpec("honest-2", 20_000),
            new NodeSpec("honest-3", 20_000),
            new NodeSpec("honest-4", 20_000),
            new NodeSpec("honest-5", 5_000),
            new NodeSpec("dishonest", 1_000, Dishonest: true),
        ], c =>
        {
            c["Evidence"] = new JsonObject { ["Collectors"] = new JsonArray(First.Url, Second.Url), ["Timeout"] = "00:00:05" };
            c["Voting"]!["DecisionMargin"] = "00:05:00";
        });
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}
