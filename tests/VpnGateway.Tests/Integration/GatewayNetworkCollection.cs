namespace VpnGateway.Tests.Integration;

/// <summary>One <see cref="GatewayNetwork"/> for every integration test class (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class GatewayNetworkCollection : ICollectionFixture<GatewayNetwork>
{
    public const string Name = "gateway network namespaces";
}
