using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Nethereum.Util;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Core.Policy;

namespace OracleNode.Tests.Support;

/// <summary>Filing claims and adding evidence documents the way a party does (docs/protocol.md §7.4, §8.1).</summary>
internal static class Claims
{
    /// <summary>An evidence document (§8.1) as a <c>data:</c> URI and its keccak256 hash.</summary>
    public static (string Uri, byte[] Hash) Document(ulong sessionId, PolicyDocument? policy = null, IEnumerable<ulong>? records = null,
        IEnumerable<(string Recipient, byte[] Sealed)>? disclosures = null, ulong? disputeId = null)
    {
        var document = new JsonObject
        {
            ["name"] = $"claim about session {sessionId}",
            ["description"] = "written by the oracle node tests",
            ["sessionId"] = sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (disputeId is { } d)
        {
            document["disputeId"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (policy is not null)
        {
            document["policy"] = JsonNode.Parse(policy.CanonicalJson);
        }

        if (records is not null)
        {
            document["records"] = new JsonArray([.. records.Select(r => (JsonNode)r)]);
        }

        if (disclosures is not null)
        {
            document["keyDisclosures"] = new JsonArray([.. disclosures.Select(x => (JsonNode)new JsonObject { ["recipient"] = x.Recipient, ["disclosure"] = "0x" + Convert.ToHexStringLower(x.Sealed) })]);
        }

        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString());
        return ("data:application/json;base64," + Convert.ToBase64String(bytes), Sha3Keccack.Current.CalculateHash(bytes));
    }

    /// <summary>Files a claim (approving the fee and stake first); returns the dispute id and record.</summary>
    public static async Task<(ulong Id, Dispute Record)> FileAsync(TestWorld world, Party filer, ulong sessionId, Session terms, byte claimType, uint ruleId,
        (string Uri, byte[] Hash) document, List<string>? panel = null, RecordProof? proof = null)
    {
        var cost = world.Parameters.FeePerSeat * terms.CommitteeSize + world.Parameters.StakePerRound;
        await filer.Token.ApproveAsync(world.AddressOf(ContractNames.DisputeManager), cost);
        var claim = new Claim { SessionId = sessionId, ClaimType = claimType, RuleId = ruleId, EvidenceHash = document.Hash, EvidenceUri = document.Uri };
        var receipt = await filer.Disputes.FileDisputeAsync(claim, terms, panel ?? [], proof is null ? [] : [proof]);
        var filed = TestWorld.Single<DisputeFiledEvent>(receipt);
        return (filed.DisputeId, filed.Dispute);
    }

    /// <summary>Adds a document to a dispute.</summary>
    public static Task SubmitAsync(Party party, ulong disputeId, Dispute record, (string Uri, byte[] Hash) document)
        => party.Disputes.SubmitEvidenceAsync(disputeId, record, document.Hash, document.Uri);

    /// <summary>What a filing costs.</summary>
    public static BigInteger Cost(TestWorld world, byte seats) => world.Parameters.FeePerSeat * seats + world.Parameters.StakePerRound;
}
