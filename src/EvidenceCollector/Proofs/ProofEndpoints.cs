using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Oracle.Core.Proofs;

namespace EvidenceCollector.Proofs;

/// <summary>
/// The read API (JSON, <c>/v1</c>; OpenAPI at <c>/openapi/v1.json</c>): the global log and its anchors, consistency
/// proofs, a session's checkpoints and vouchers, records with their inclusion proofs, checkpoints with their inclusion
/// in the global log at an anchored size, and the EvidenceRegistry call that checks one on-chain. Errors are RFC 7807
/// problem details. Everything served is public: hashes, signatures, proofs and records as stored (sealed).
/// </summary>
internal static class ProofEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapProofEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("evidence");
        v1.MapGet("/log", async Task<Results<Ok<LogView>, ProblemHttpResult>> (ProofService proofs, CancellationToken cancellationToken)
                => Answer(await proofs.LogAsync(cancellationToken)))
            .WithSummary("The global log: origin, log id, note verifier key, latest signed checkpoint and latest anchor");
        v1.MapGet("/log/anchors", async Task<Ok<List<LogAnchor>>> (ProofService proofs, CancellationToken cancellationToken)
                => TypedResults.Ok(await proofs.AnchorsAsync(cancellationToken)))
            .WithSummary("Every anchor of the global log in the EvidenceRegistry, oldest first");
        v1.MapGet("/log/consistency", async Task<Results<Ok<LogConsistencyProof>, ProblemHttpResult>> (ProofService proofs, [FromQuery] ulong first, [FromQuery] ulong? second, CancellationToken cancellationToken)
                => Answer(await proofs.ConsistencyAsync(first, second, cancellationToken)))
            .WithSummary("The RFC 9162 consistency proof of the global log from size first to size second (default: the latest)");
        v1.MapGet("/sessions/{sessionId}", async Task<Results<Ok<SessionView>, ProblemHttpResult>> (ProofService proofs, ulong sessionId, CancellationToken cancellationToken)
                => Answer(await proofs.SessionAsync(sessionId, cancellationToken)))
            .WithSummary("A session's evidence log as held here");
        v1.MapGet("/sessions/{sessionId}/checkpoints", async Task<Results<Ok<List<SessionCheckpoint>>, ProblemHttpResult>> (ProofService proofs, ulong sessionId, CancellationToken cancellationToken)
                => Answer(await proofs.CheckpointsAsync(sessionId, cancellationToken)))
            .WithSummary("A session's signed checkpoints and the client's vouchers, in log order");
        v1.MapGet("/sessions/{sessionId}/records/{leafIndex}", async Task<Results<Ok<SessionRecordProof>, ProblemHttpResult>> (ProofService proofs, ulong sessionId, ulong leafIndex, [FromQuery] ulong? treeSize, CancellationToken cancellationToken)
                => Answer(await proofs.RecordAsync(sessionId, leafIndex, treeSize, cancellationToken)))
            .WithSummary("A record (as stored: sealed) with its inclusion proof under a signed checkpoint (default: the latest one the client paid for)");
        v1.MapGet("/sessions/{sessionId}/checkpoints/{treeSize}/inclusion", async Task<Results<Ok<CheckpointInclusionProof>, ProblemHttpResult>> (ProofService proofs, ulong sessionId, ulong treeSize, [FromQuery] ulong? size, CancellationToken cancellationToken)
                => Answer(await proofs.CheckpointInclusionAsync(sessionId, treeSize, size, cancellationToken)))
            .WithSummary("A session checkpoint as a leaf of the global log, with its inclusion proof at an anchored size (default: the latest anchor)");
        v1.MapGet("/sessions/{sessionId}/checkpoints/{treeSize}/inclusion/registry-call", async Task<Results<Ok<RegistryCall>, ProblemHttpResult>> (ProofService proofs, ulong sessionId, ulong treeSize, [FromQuery] ulong? size, CancellationToken cancellationToken) =>
            {
                var inclusion = await proofs.CheckpointInclusionAsync(sessionId, treeSize, size, cancellationToken);
                return inclusion.Value is null ? Problem(inclusion.Problem!) : Answer(await proofs.RegistryCallAsync(inclusion.Value, cancellationToken));
            })
            .WithSummary("The eth_call of EvidenceRegistry.verifyInclusion that checks that inclusion on-chain against the anchor");
        return app;
    }

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(ProofAnswer<T> answer)
        where T : class
        => answer.Value is { } value ? TypedResults.Ok(value) : Problem(answer.Problem!);

    private static ProblemHttpResult Problem(ProofProblem problem) => TypedResults.Problem(problem.Detail, statusCode: problem.Status, title: problem.Title);
}
