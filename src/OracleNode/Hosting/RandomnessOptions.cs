namespace OracleNode.Hosting;

/// <summary>The randomness duty (section <c>Randomness</c>, docs/protocol.md §7.4 "Randomness duty").</summary>
internal sealed class RandomnessOptions
{
    public const string Section = "Randomness";

    /// <summary>
    /// The keystore of the local network's VRF proving key (LocalVrfCoordinator; password: <c>Chain:PasswordFile</c>).
    /// Set, the node answers the coordinator's requests from the network's RandomnessSource; unset (every public chain,
    /// where Chainlink's nodes answer), it does not.
    /// </summary>
    public string? VrfKeystore { get; set; }
}
