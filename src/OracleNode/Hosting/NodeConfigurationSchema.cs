using Oracle.Hosting;

namespace OracleNode.Hosting;

/// <summary>
/// Everything the node reads from its configuration: its own sections (<c>Node</c>, <c>Store</c>, <c>Voting</c>,
/// <c>Keeper</c>, <c>Evidence</c>, <c>Prices</c>, <c>Randomness</c>), the shared <c>Chain</c> (with <c>Chain:Watcher</c> and
/// <c>Chain:Transactions</c>), <c>Database</c>, the free-form <c>Logging</c> and <c>Urls</c>. Anything else the operator
/// wrote (the file, the <c>ORACLENODE_</c> variables) is a mistake, refused at start with the nearest valid key.
/// </summary>
internal static class NodeConfigurationSchema
{
    public static ConfigurationSchema Create() => new ConfigurationSchema()
        .Add<NodeOptions>(NodeOptions.Section)
        .Add<StoreOptions>(StoreOptions.Section)
        .Add<VotingOptions>(VotingOptions.Section)
        .Add<KeeperOptions>(KeeperOptions.Section)
        .Add<EvidenceOptions>(EvidenceOptions.Section)
        .Add<PriceOptions>(PriceOptions.Section)
        .Add<RandomnessOptions>(RandomnessOptions.Section)
        .AddOracleChain()
        .AddOracleDatabase()
        .AddOracleServiceDefaults();
}
