using Microsoft.AspNetCore.Http;

namespace Arbitration.Api.Apis;

/// <summary>
/// Every cause the API reports, one stable problem type each (docs/api.md lists them). Clients branch on <c>type</c>,
/// never on <c>title</c> or <c>detail</c>.
/// </summary>
public static class ProblemTypes
{
    public static readonly ProblemType InvalidRequest = new("invalid-request", StatusCodes.Status400BadRequest, "The request is not valid",
        "A field is missing, malformed or out of range, or the body is not the JSON the endpoint takes; `errors` names each field.");
    public static readonly ProblemType ForgedSignature = new("forged-signature", StatusCodes.Status400BadRequest, "The filing's signature is not the filer's",
        "The EIP-712 signature does not recover to `filer` under the DisputeManager's domain (chain id and contract), or is malformed or malleable.");
    public static readonly ProblemType ExpiredSignature = new("expired-signature", StatusCodes.Status400BadRequest, "The filing's deadline has passed",
        "The signed `deadline` is before the chain's latest block time; sign a new filing with a later deadline.");
    public static readonly ProblemType NonPartySigner = new("non-party-signer", StatusCodes.Status403Forbidden, "The signer may not file this claim",
        "Only the session's client files claims against the provider, and only its provider files ClientBreachedPolicy.");
    public static readonly ProblemType UnknownSession = new("unknown-session", StatusCodes.Status404NotFound, "No such session",
        "No session with this id was opened on this network.");
    public static readonly ProblemType ReplayedNonce = new("replayed-nonce", StatusCodes.Status409Conflict, "The filing's nonce was already used",
        "The filer's nonce in the DisputeManager has moved past this filing's: it was relayed already (by this API or anyone) or superseded.");
    public static readonly ProblemType NonceNotCurrent = new("nonce-not-current", StatusCodes.Status409Conflict, "The filing's nonce is not the filer's next one",
        "The signed nonce is ahead of DisputeManager.nonces(filer); sign with the current nonce (GET /filings/template gives it).");
    public static readonly ProblemType DisputeWindowClosed = new("dispute-window-closed", StatusCodes.Status409Conflict, "The session's dispute window is closed",
        "Claims against the provider are accepted until the dispute window after the session's end; claims against the client only while the session is Open or Closing.");
    public static readonly ProblemType EvidenceMismatch = new("evidence-mismatch", StatusCodes.Status422UnprocessableEntity, "The evidence bundle does not resolve to its hash",
        "The filing's evidenceUri must be this API's /evidence/{hash} of a bundle posted first, and its hash the filing's evidenceHash.");
    public static readonly ProblemType PermitInvalid = new("permit-invalid", StatusCodes.Status422UnprocessableEntity, "The permit cannot pay the filing",
        "The EIP-2612 permit is not the filer's signature for the DisputeManager, has expired, or is for less than the fee and stake.");
    public static readonly ProblemType InsufficientFunds = new("insufficient-funds", StatusCodes.Status422UnprocessableEntity, "The filer cannot pay the fee and stake",
        "The filer's VPN balance, or its allowance to the DisputeManager without a permit, is below the filing's fee and stake.");
    public static readonly ProblemType FilingRejected = new("filing-rejected", StatusCodes.Status422UnprocessableEntity, "The DisputeManager refused the filing",
        "The contract reverted for a reason the checks above do not cover; `error` names the contract's custom error.");
    public static readonly ProblemType RelayerLimitReached = new("relayer-limit-reached", StatusCodes.Status429TooManyRequests, "The relayer's spending limit is reached",
        "The relayer pays gas within limits per filer and per day (configuration); try again the next day (UTC) or file directly with fileDispute.");
    public static readonly ProblemType RateLimited = new("rate-limited", StatusCodes.Status429TooManyRequests, "Too many requests",
        "This client sent more requests than the endpoint's rate limit allows; wait for Retry-After seconds.");
    public static readonly ProblemType CommitteeNotDrawn = new("committee-not-drawn", StatusCodes.Status409Conflict, "The dispute's committee is not drawn yet",
        "Evidence keys are disclosed to committee members once the committee is known; post the bundle after the draw.");
    public static readonly ProblemType NotCommitteeMember = new("not-committee-member", StatusCodes.Status422UnprocessableEntity, "A key disclosure is for someone outside the committee",
        "Every recipient of a key disclosure must hold a seat in the dispute's current round, and each at most one disclosure.");
    public static readonly ProblemType UnknownDispute = new("unknown-dispute", StatusCodes.Status404NotFound, "No such dispute",
        "No dispute with this id was filed on this network (or the read model has not reached it yet).");
    public static readonly ProblemType NotFound = new("not-found", StatusCodes.Status404NotFound, "Not found",
        "Nothing is served at this path, or the resource does not exist (yet).");
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", StatusCodes.Status405MethodNotAllowed, "Method not allowed",
        "The path exists but does not take this HTTP method.");
    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", StatusCodes.Status413PayloadTooLarge, "The request body is too large",
        "The body exceeds the endpoint's limit (configuration).");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
        "The endpoint takes application/json.");
    public static readonly ProblemType BadRequest = new("bad-request", StatusCodes.Status400BadRequest, "Bad request",
        "The HTTP request itself is malformed.");
    public static readonly ProblemType RelayerUnavailable = new("relayer-unavailable", StatusCodes.Status503ServiceUnavailable, "The relayer cannot send now",
        "The chain node does not answer or refused the relayer's transaction; nothing was filed. Try again later with the same signed filing.");
    public static readonly ProblemType InternalError = new("internal-error", StatusCodes.Status500InternalServerError, "Internal error",
        "Something failed inside the API; it is logged with the request's trace id.");

    /// <summary>All causes, for <c>GET /problems</c> and the tests.</summary>
    public static IReadOnlyList<ProblemType> All { get; } =
    [
        InvalidRequest, ForgedSignature, ExpiredSignature, NonPartySigner, UnknownSession, ReplayedNonce, NonceNotCurrent, DisputeWindowClosed,
        EvidenceMismatch, PermitInvalid, InsufficientFunds, FilingRejected, RelayerLimitReached, RateLimited, CommitteeNotDrawn, NotCommitteeMember,
        UnknownDispute, NotFound, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType, BadRequest, RelayerUnavailable, InternalError,
    ];

    /// <summary>The cause of a bare status code (routing, Kestrel and middleware failures).</summary>
    public static ProblemType ForStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status503ServiceUnavailable => RelayerUnavailable,
        >= 500 => InternalError,
        _ => BadRequest,
    };
}
