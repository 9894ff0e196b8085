using Arbitration.Api.Apis;

namespace Arbitration.Api.Filing;

/// <summary>What became of a filing: a dispute on-chain (new or the one this signed filing made before), or a refusal.</summary>
/// <param name="Receipt">The dispute, when filed.</param>
/// <param name="Created">Whether this request filed it (false: an earlier request did).</param>
/// <param name="Problem">Why it was refused.</param>
/// <param name="Detail">The refusal's detail.</param>
/// <param name="Extensions">Extra members of the problem details (the contract's error).</param>
internal sealed record FilingOutcome(FilingReceipt? Receipt, bool Created, ProblemType? Problem, string? Detail, IDictionary<string, object?>? Extensions = null)
{
    public static FilingOutcome Filed(FilingReceipt receipt, bool created) => new(receipt, created, null, null);

    public static FilingOutcome Refused(ProblemType problem, string detail, IDictionary<string, object?>? extensions = null) => new(null, false, problem, detail, extensions);
}
