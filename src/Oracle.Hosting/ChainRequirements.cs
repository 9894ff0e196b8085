namespace Oracle.Hosting;

/// <summary>What a service needs of the chain (<see cref="ChainHostingExtensions.AddOracleChainAsync"/>).</summary>
[Flags]
public enum ChainRequirements
{
    /// <summary>The chain is optional: without a <c>Chain</c> section the service runs without a <see cref="Oracle.Chain.ChainContext"/>.</summary>
    None = 0,

    /// <summary>A node (<c>Chain:RpcUrl</c>): the service reads the chain or sends transactions.</summary>
    Node = 1,

    /// <summary>The service's key (<c>Chain:Keystore</c>): it signs or sends transactions.</summary>
    Key = 2,
}
