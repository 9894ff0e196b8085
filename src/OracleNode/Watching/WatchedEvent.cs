using Nethereum.ABI.FunctionEncoding.Attributes;

namespace OracleNode.Watching;

/// <summary>
/// One decoded contract event handed to the node by the chain watcher: the node's narrow view of the platform
/// watcher's event (Oracle.Chain's <c>ChainEvent</c>), so the projection does not depend on how events are read.
/// </summary>
/// <param name="Event">The generated <c>&lt;Name&gt;Event</c> DTO.</param>
/// <param name="Contract">The emitting contract (lower case).</param>
/// <param name="BlockNumber">Its block.</param>
/// <param name="TransactionHash">Its transaction.</param>
/// <param name="LogIndex">Its position in the block.</param>
internal sealed record WatchedEvent(IEventDTO Event, string Contract, ulong BlockNumber, string TransactionHash, ulong LogIndex);
