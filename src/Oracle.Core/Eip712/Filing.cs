using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Core.Eip712;

/// <summary>
/// A dispute filing, signed by a party of the session under the DisputeManager's domain, so that a relayer (the
/// Arbitration API) can file it on-chain without the party paying gas. It covers everything the relayer passes besides
/// the session's terms: the claim, the record proof (<see cref="ProofHash"/>, from <see cref="RecordProof.Hash"/>) and
/// the panel (<see cref="PanelHash"/>, the session's), so a relayer can neither strip nor swap them. The nonce and
/// deadline stop replays.
/// </summary>
[Struct("Filing")]
public sealed class Filing
{
    /// <summary>The disputed session.</summary>
    [Parameter("uint64", "sessionId", 1)] public ulong SessionId { get; set; }

    /// <summary>The kind of claim (see docs/protocol.md).</summary>
    [Parameter("uint8", "claimType", 2)] public byte ClaimType { get; set; }

    /// <summary>The policy rule the claim says was broken.</summary>
    [Parameter("uint32", "ruleId", 3)] public uint RuleId { get; set; }

    /// <summary>Hash of the evidence document (ERC-1497 style).</summary>
    [Parameter("bytes32", "evidenceHash", 4)] public byte[] EvidenceHash { get; set; } = new byte[32];

    /// <summary>Where the evidence document can be fetched.</summary>
    [Parameter("string", "evidenceUri", 5)] public string EvidenceUri { get; set; } = string.Empty;

    /// <summary>Zero without a record proof, else <c>keccak256(abi.encode(proof))</c> (<see cref="RecordProof.Hash"/>).</summary>
    [Parameter("bytes32", "proofHash", 6)] public byte[] ProofHash { get; set; } = new byte[32];

    /// <summary>The session's panel hash (<c>keccak256(abi.encodePacked(panel))</c>), zero for a drawn committee.</summary>
    [Parameter("bytes32", "panelHash", 7)] public byte[] PanelHash { get; set; } = new byte[32];

    /// <summary>The filer's next filing nonce in the DisputeManager.</summary>
    [Parameter("uint256", "nonce", 8)] public BigInteger Nonce { get; set; }

    /// <summary>Unix time after which the filing may no longer be relayed.</summary>
    [Parameter("uint64", "deadline", 9)] public ulong Deadline { get; set; }
}
