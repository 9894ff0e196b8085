namespace Oracle.Core.Evidence;

/// <summary>The outcome of one <see cref="SessionLogVerifier"/> step: valid, or the first problem found with a detail.</summary>
/// <param name="Error">What is wrong (<see cref="SessionLogError.None"/>: nothing).</param>
/// <param name="Detail">A human-readable detail (which record, which field).</param>
/// <param name="Records">The decoded records of a valid checkpoint appended with its records (empty otherwise).</param>
public sealed record SessionLogVerification(SessionLogError Error, string Detail, IReadOnlyList<FlowRecord> Records)
{
    /// <summary>Whether the step was valid.</summary>
    public bool IsValid => Error == SessionLogError.None;

    internal static SessionLogVerification Fail(SessionLogError error, string detail) => new(error, detail, []);
}
