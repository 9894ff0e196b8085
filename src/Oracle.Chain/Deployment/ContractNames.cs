namespace Oracle.Chain.Deployment;

/// <summary>The keys of <see cref="DeploymentManifest.Contracts"/> (docs/protocol.md §7.1).</summary>
public static class ContractNames
{
    /// <summary>The VPN token.</summary>
    public const string VpnToken = "VpnToken";

    /// <summary>The wrapped BTC token the exchange accepts.</summary>
    public const string WrappedBtc = "WrappedBtc";

    /// <summary>Oracle staking and committee draws.</summary>
    public const string OracleRegistry = "OracleRegistry";

    /// <summary>The VPN / ETH price feed.</summary>
    public const string PriceFeedVpnEth = "PriceFeedVpnEth";

    /// <summary>The BTC / ETH price feed.</summary>
    public const string PriceFeedBtcEth = "PriceFeedBtcEth";

    /// <summary>The exchange that mints and burns VPN tokens.</summary>
    public const string TokenExchange = "TokenExchange";

    /// <summary>Gateway operators.</summary>
    public const string ProviderRegistry = "ProviderRegistry";

    /// <summary>Sessions and payment channels.</summary>
    public const string SessionManager = "SessionManager";

    /// <summary>Evidence log anchors.</summary>
    public const string EvidenceRegistry = "EvidenceRegistry";

    /// <summary>The randomness behind committee draws (VrfRandomnessSource, or LocalRandomnessSource in tests).</summary>
    public const string RandomnessSource = "RandomnessSource";

    /// <summary>The local network's VRF coordinator (LocalVrfCoordinator); absent when a public coordinator serves.</summary>
    public const string VrfCoordinator = "VrfCoordinator";

    /// <summary>Disputes.</summary>
    public const string DisputeManager = "DisputeManager";
}
