using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Chain.Events;

/// <summary>One decoded contract event and where it sits on the chain.</summary>
/// <param name="Event">The generated <c>&lt;Name&gt;Event</c> DTO (pattern-match on its type).</param>
/// <param name="Contract">The emitting contract's address (lower case).</param>
/// <param name="BlockNumber">Its block.</param>
/// <param name="BlockHash">Its block's hash (0x-prefixed, lower case).</param>
/// <param name="TransactionHash">The transaction that emitted it.</param>
/// <param name="TransactionIndex">The transaction's position in the block.</param>
/// <param name="LogIndex">The log's position in the block: with <paramref name="BlockNumber"/>, a unique and ordered key.</param>
public sealed record ChainEvent(IEventDTO Event, string Contract, ulong BlockNumber, string BlockHash, string TransactionHash, ulong TransactionIndex, ulong LogIndex);
