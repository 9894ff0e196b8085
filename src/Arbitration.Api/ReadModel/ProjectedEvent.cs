using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Arbitration.Api.ReadModel;

/// <summary>One decoded contract event handed to the projection, with where it sits on the chain.</summary>
/// <param name="Event">The generated <c>&lt;Name&gt;Event</c> DTO.</param>
/// <param name="Contract">The emitting contract (lower case).</param>
/// <param name="BlockNumber">Its block.</param>
/// <param name="TransactionHash">The transaction that emitted it.</param>
/// <param name="LogIndex">Its position in the block.</param>
internal sealed record ProjectedEvent(IEventDTO Event, string Contract, ulong BlockNumber, string TransactionHash, ulong LogIndex);
