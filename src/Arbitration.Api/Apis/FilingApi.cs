using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Arbitration.Api.Filing;
using Arbitration.Api.ReadModel;
using Microsoft.Extensions.Options;
using Nethereum.Util;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Core.Eip712;

namespace Arbitration.Api.Apis;

/// <summary>
/// <c>POST /disputes</c>: a party's signed filing, relayed on-chain (gasless for the filer); <c>GET /filings/template</c>:
/// the typed data to sign.
/// </summary>
public static class FilingApi
{
    /// <summary>The rate-limiting policy of filings.</summary>
    public const string RateLimitPolicy = "filing";

    /// <summary>The rate-limiting policy of filing templates (each reads the chain).</summary>
    public const string TemplatePolicy = "filing-template";

    /// <summary>Maps the filing endpoints.</summary>
    public static IEndpointRouteBuilder MapFilingApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/disputes", FileAsync).WithTags("Filing").WithName("FileDispute")
            .WithSummary("Files a dispute from a party's EIP-712 Filing (and permit), relayed with DisputeManager.fileFor: the relayer pays the gas.")
            .Accepts<FilingRequest>("application/json")
            .Produces<FilingReceipt>(StatusCodes.Status201Created).Produces<FilingReceipt>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(RateLimitPolicy);
        app.MapGet("/filings/template", TemplateAsync).WithTags("Filing").WithName("GetFilingTemplate")
            .WithSummary("The Filing (with the filer's current nonce) and, if its allowance is short, the Permit to sign, as eth_signTypedData_v4 JSON.")
            .Produces<FilingTemplate>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).RequireRateLimiting(TemplatePolicy);
        return app;
    }

    private static async Task<IResult> FileAsync(HttpRequest request, FilingService filings, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var (_, document, problem) = await RequestBody.ReadJsonAsync(request, options.Value.MaxFilingBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        using var _ = document;
        var body = new JsonBody();
        var filing = FilingReader.Read(document!.RootElement, body);
        if (filing is null)
        {
            return Problem.Invalid(body.Errors);
        }

        var outcome = await filings.FileAsync(filing, $"{request.Scheme}://{request.Host}{request.PathBase}", cancellationToken);
        if (outcome.Receipt is { } receipt)
        {
            return outcome.Created ? TypedResults.Created("/disputes/" + receipt.DisputeId.ToString(CultureInfo.InvariantCulture), receipt) : TypedResults.Ok(receipt);
        }

        return Problem.Of(outcome.Problem!, outcome.Detail, outcome.Extensions);
    }

    private static async Task<IResult> TemplateAsync(ChainContext chain, IFilingChain reads, ReadModelQueries readModel, long? sessionId, string? filer,
        string? claimType, long? ruleId, string? evidenceHash, string? evidenceUri, long? deadline, string? proofHash, CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        if (sessionId is null or < 1)
        {
            args.Fail("sessionId", "required: the session's id");
        }

        var from = args.Address("filer", filer);
        if (filer is null)
        {
            args.Fail("filer", "required: the filer's address");
        }

        var claim = args.OneOf("claimType", claimType, "ClientBreachedPolicy", "ProviderBreachedPolicy", "ProviderOvercharged", "ProviderWithheldService");
        if (claimType is null)
        {
            args.Fail("claimType", "required");
        }

        if (ruleId is < 0 or > uint.MaxValue)
        {
            args.Fail("ruleId", "a uint32");
        }

        if (evidenceHash is null || evidenceHash.Length != 66 || !evidenceHash.StartsWith("0x", StringComparison.Ordinal) || !JsonBody.IsHex(evidenceHash.AsSpan(2)))
        {
            args.Fail("evidenceHash", "required: 0x and 64 hex digits (POST /evidence returns it)");
        }

        if (string.IsNullOrEmpty(evidenceUri) || evidenceUri.Length > FilingReader.MaxEvidenceUri)
        {
            args.Fail("evidenceUri", "required: the URI POST /evidence returned");
        }

        if (deadline is < 0)
        {
            args.Fail("deadline", "a Unix time");
        }

        if (proofHash is not null && (proofHash.Length != 66 || !proofHash.StartsWith("0x", StringComparison.Ordinal) || !JsonBody.IsHex(proofHash.AsSpan(2))))
        {
            args.Fail("proofHash", "0x and 64 hex digits: keccak256(abi.encode(proof)) of the record proof sent with the filing (absent: none)");
        }

        if (!args.IsValid)
        {
            return args.Problem();
        }

        var session = await readModel.SessionRowAsync(sessionId!.Value, cancellationToken);
        if (session is null)
        {
            return Problem.Of(ProblemTypes.UnknownSession, $"no session {sessionId} (or the read model has not reached it yet)");
        }

        var now = await reads.LatestBlockTimeAsync(cancellationToken);
        var until = deadline is { } d ? (ulong)d : now + 3600;
        var (feePerSeat, stakePerRound, _, _) = await reads.ParametersAsync(cancellationToken);
        var cost = feePerSeat * session.CommitteeSize + stakePerRound;
        var message = new Oracle.Core.Eip712.Filing
        {
            SessionId = (ulong)sessionId.Value,
            ClaimType = (byte)Enum.Parse<ClaimType>(claim!),
            RuleId = (uint)(ruleId ?? 0),
            EvidenceHash = Convert.FromHexString(evidenceHash![2..]),
            EvidenceUri = evidenceUri!,
            ProofHash = proofHash is null ? new byte[32] : Convert.FromHexString(proofHash[2..]),
            PanelHash = Convert.FromHexString(session.PanelHash.AsSpan(2)),
            Nonce = await reads.FilingNonceAsync(from!, cancellationToken),
            Deadline = until,
        };
        var filingJson = TypedDataJson.Of(message, chain.DisputeManagerDomain);
        JsonObject? permitJson = null;
        var (_, allowance) = await reads.FundsAsync(from!, cancellationToken);
        if (allowance < cost)
        {
            var token = chain.AddressOf(ContractNames.VpnToken);
            var permit = new Permit
            {
                Owner = AddressUtil.Current.ConvertToChecksumAddress(from!),
                Spender = chain.AddressOf(ContractNames.DisputeManager),
                Value = cost,
                Nonce = await new Oracle.Chain.Contracts.VpnToken.VpnTokenService(chain.Web3, token).NoncesQueryAsync(from!, null, cancellationToken),
                Deadline = until,
            };
            permitJson = TypedDataJson.Of(permit, TypedDataDomain.VpnToken(chain.ChainId, token));
        }

        return TypedResults.Ok(new FilingTemplate(AddressUtil.Current.ConvertToChecksumAddress(from!), cost.ToString(CultureInfo.InvariantCulture), filingJson, permitJson));
    }
}
