using Oracle.Core.Eip712;

namespace Oracle.Core.Evidence;

/// <summary>
/// Who signs a session's evidence and under which EIP-712 domain: the provider's gateway signs its checkpoints, the
/// client its vouchers, both under the SessionManager's domain. An oracle takes them from the chain (the session's
/// <c>SessionOpened</c> terms), never from the evidence itself.
/// </summary>
/// <param name="SessionId">The session, as numbered by the SessionManager.</param>
/// <param name="Domain">The SessionManager's domain (chain id and address).</param>
/// <param name="Gateway">The address whose key signs the checkpoints (the session's provider).</param>
/// <param name="Client">The address whose key signs the vouchers (the session's client); null for a pinned link without one.</param>
public sealed record SessionLogParties(ulong SessionId, TypedDataDomain Domain, string Gateway, string? Client);
