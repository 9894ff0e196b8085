using Nethereum.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Core.Evidence;
using OracleNode.Hosting;

namespace OracleNode.Judging;

/// <summary>
/// The record a filing proved on-chain (<c>evidenceVerified</c>, docs/protocol.md §8.2): read from the filing
/// transaction's input (<c>fileDispute</c> or <c>fileFor</c> called directly on the DisputeManager).
/// </summary>
internal sealed class OnChainRecord(NodeChain chain)
{
    /// <summary>The proven record, or the reason it cannot be read.</summary>
    public async Task<(ProvenRecord? Record, string Reason)> ReadAsync(string transactionHash, ulong sessionId, CancellationToken cancellationToken)
    {
        var tx = await chain.Context.Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(transactionHash).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (tx is null || !string.Equals(tx.To, chain.DisputeManagerAddress, StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"the filing transaction {transactionHash} is not a direct call of the DisputeManager; its record proof cannot be read");
        }

        List<Oracle.Chain.Contracts.RecordProof> proof;
        if (tx.IsTransactionForFunctionMessage<FileDisputeFunction>())
        {
            proof = new FileDisputeFunction().DecodeTransaction(tx).Proof;
        }
        else if (tx.IsTransactionForFunctionMessage<FileForFunction>())
        {
            proof = new FileForFunction().DecodeTransaction(tx).Proof;
        }
        else
        {
            return (null, $"the filing transaction {transactionHash} calls neither fileDispute nor fileFor");
        }

        if (proof.Count != 1)
        {
            return (null, "the filing carries no record proof");
        }

        var error = FlowRecordEncoding.TryDecode(proof[0].Leaf, out var record);
        if (error != FlowRecordError.None)
        {
            return (null, $"the record proven at filing does not decode: {FlowRecordEncoding.Describe(error)}");
        }

        if (record.SessionId != sessionId)
        {
            return (null, $"the record proven at filing belongs to session {record.SessionId}");
        }

        return (new ProvenRecord(proof[0].LeafIndex, record, CoSigned: true, "proven on-chain at filing (client's voucher)"), "");
    }
}
