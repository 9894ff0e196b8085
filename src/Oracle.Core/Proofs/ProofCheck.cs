namespace Oracle.Core.Proofs;

/// <summary>The outcome of checking a proof: valid, or the first problem found with a detail.</summary>
/// <param name="Error">What is wrong (<see cref="ProofError.None"/>: nothing).</param>
/// <param name="Detail">A human-readable detail.</param>
public sealed record ProofCheck(ProofError Error, string Detail)
{
    /// <summary>A valid proof.</summary>
    public static ProofCheck Valid { get; } = new(ProofError.None, "valid");

    /// <summary>Whether the proof holds.</summary>
    public bool IsValid => Error == ProofError.None;
}
