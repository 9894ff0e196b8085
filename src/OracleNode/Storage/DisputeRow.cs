using Oracle.Chain.Contracts;
using OracleNode.Watching;

namespace OracleNode.Storage;

/// <summary>A dispute as filed (<c>DisputeFiled</c>): its hash-committed record and evidence URI.</summary>
internal sealed class DisputeRow
{
    public long DisputeId { get; init; }

    public long SessionId { get; init; }

    public string Filer { get; init; } = "";

    public string Respondent { get; init; } = "";

    public long ClaimType { get; init; }

    public long RuleId { get; init; }

    public long EvidenceVerified { get; init; }

    public long FiledAt { get; init; }

    /// <summary>The ABI encoding of the <see cref="Dispute"/> struct (0x-hex), as the contract hashes it.</summary>
    public string Record { get; init; } = "";

    public string EvidenceHash { get; init; } = "";

    public string EvidenceUri { get; init; } = "";

    public string TransactionHash { get; init; } = "";

    public long Block { get; init; }

    public ulong Id => (ulong)DisputeId;

    /// <summary>The record, decoded.</summary>
    public Dispute Decode() => DisputeRecords.Decode(Record);

    /// <summary><c>keccak256(abi.encode(dispute))</c>, 0x-hex: identifies the dispute across reorganizations.</summary>
    public string RecordHash => DisputeRecords.HashOf(Record);
}
