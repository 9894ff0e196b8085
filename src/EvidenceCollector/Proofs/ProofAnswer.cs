namespace EvidenceCollector.Proofs;

/// <summary>A proof, or why there is none.</summary>
/// <typeparam name="T">What was asked for.</typeparam>
/// <param name="Value">The answer.</param>
/// <param name="Problem">Or the problem.</param>
public sealed record ProofAnswer<T>(T? Value, ProofProblem? Problem)
    where T : class
{
    /// <summary>An answer.</summary>
    public static implicit operator ProofAnswer<T>(T value) => new(value, null);

    /// <summary>A problem.</summary>
    public static implicit operator ProofAnswer<T>(ProofProblem problem) => new(null, problem);
}
