namespace Oracle.Chain.Deployment;

/// <summary>The randomness source committee draws use (docs/contracts.md states each one's trust assumptions).</summary>
public enum RandomnessKind
{
    /// <summary>
    /// VrfRandomnessSource: a VRF coordinator with Chainlink VRF v2.5's interface answers each draw's request (Chainlink's
    /// on a public chain; LocalVrfCoordinator, a BLS key on BN254, on the local network). Nobody knows a draw's value
    /// before its request's block is sealed; the key holder can withhold but not choose it.
    /// </summary>
    Vrf,

    /// <summary>
    /// LocalRandomnessSource: a later block's <c>prevrandao</c>. Predictable on a Hardhat chain (each block's value is
    /// the keccak of the previous one) and biasable by whoever picks the draw's block: tests of the randomness interface
    /// only, never a network.
    /// </summary>
    Prevrandao,
}
