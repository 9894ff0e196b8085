using Arbitration.Api.Evidence;
using Arbitration.Api.ReadModel;
using Microsoft.Extensions.Options;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Util;

namespace Arbitration.Api.Apis;

/// <summary>
/// <c>POST /evidence</c> stores an ERC-1497 evidence bundle addressed by keccak256 of its bytes (size-limited, checked
/// against the read model); <c>GET /evidence/{hash}</c> serves it byte for byte, so anyone can check it against the hash
/// a filing signed.
/// </summary>
public static class EvidenceApi
{
    /// <summary>The rate-limiting policy of evidence uploads.</summary>
    public const string RateLimitPolicy = "evidence";

    /// <summary>Maps the evidence endpoints.</summary>
    public static IEndpointRouteBuilder MapEvidenceApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/evidence", PostAsync).WithTags("Evidence").WithName("PostEvidence")
            .WithSummary("Stores an evidence bundle; returns its hash and URI, which a filing signs.")
            .Accepts<EvidenceBundle>("application/json")
            .Produces<EvidencePosted>(StatusCodes.Status201Created).Produces<EvidencePosted>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimitPolicy);
        app.MapGet("/evidence/{hash}", GetAsync).WithTags("Evidence").WithName("GetEvidence")
            .WithSummary("An evidence bundle, byte for byte as posted.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The URI a bundle is served at.</summary>
    internal static string UriOf(HttpRequest request, ApiOptions options, string hash)
        => (options.PublicUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}") + "/evidence/" + hash;

    private static async Task<IResult> PostAsync(HttpRequest request, EvidenceStore store, ReadModelQueries queries, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var (bytes, document, problem) = await RequestBody.ReadJsonAsync(request, options.Value.MaxEvidenceBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        using var _ = document;
        var body = new JsonBody();
        var bundle = EvidenceBundleReader.Read(document!.RootElement, body);
        if (bundle is null)
        {
            return Problem.Invalid(body.Errors);
        }

        if (!await queries.SessionExistsAsync(bundle.SessionId, cancellationToken))
        {
            return Problem.Of(ProblemTypes.UnknownSession, $"no session {bundle.SessionId} (or the read model has not reached it yet)");
        }

        if (bundle.DisputeId is { } disputeId)
        {
            var dispute = await queries.DisputeCommitteeAsync(disputeId, cancellationToken);
            if (dispute is null)
            {
                return Problem.Of(ProblemTypes.UnknownDispute, $"no dispute {disputeId} (or the read model has not reached it yet)");
            }

            if (dispute.Value.SessionId != bundle.SessionId)
            {
                return Problem.Invalid("disputeId", $"dispute {disputeId} is about session {dispute.Value.SessionId}, not {bundle.SessionId}");
            }

            if (bundle.Recipients.Count > 0)
            {
                if (dispute.Value.Committee is not { } committee)
                {
                    return Problem.Of(ProblemTypes.CommitteeNotDrawn, $"dispute {disputeId}'s current round has no committee yet");
                }

                var outsiders = bundle.Recipients.Where(r => !committee.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
                if (outsiders.Count > 0)
                {
                    return Problem.Of(ProblemTypes.NotCommitteeMember, $"not on dispute {disputeId}'s committee: {string.Join(", ", outsiders.Select(AddressUtil.Current.ConvertToChecksumAddress))}");
                }
            }
        }

        var hash = Sha3Keccack.Current.CalculateHash(bytes!).ToHex(true);
        var created = await store.AddAsync(hash, bundle.SessionId, bundle.DisputeId, bytes!, bundle.Recipients, cancellationToken);
        var posted = new EvidencePosted(hash, UriOf(request, options.Value, hash), bytes!.Length);
        return created ? TypedResults.Created("/evidence/" + hash, posted) : TypedResults.Ok(posted);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string hash, EvidenceStore store, CancellationToken cancellationToken)
    {
        if (hash.Length != 66 || !hash.StartsWith("0x", StringComparison.Ordinal) || !JsonBody.IsHex(hash.AsSpan(2)))
        {
            return Problem.Invalid("hash", "0x and 64 hex digits (keccak256 of the bundle)");
        }

        var body = await store.GetAsync(hash.ToLowerInvariant(), cancellationToken);
        if (body is null)
        {
            return Problem.Of(ProblemTypes.NotFound, $"no evidence bundle {hash} was posted here");
        }

        // Content-addressed: the bytes under a hash never change.
        context.Response.Headers.ETag = "\"" + hash.ToLowerInvariant() + "\"";
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(body, "application/json");
    }
}
