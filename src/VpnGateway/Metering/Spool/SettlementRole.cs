namespace VpnGateway.Metering.Spool;

/// <summary>Which side of a session a settlement row belongs to (the <c>role</c> column).</summary>
internal enum SettlementRole
{
    /// <summary>This gateway provides the session: it redeems the client's vouchers and closes the session.</summary>
    Provider = 0,

    /// <summary>This gateway is the session's client: it closes the session on-chain when it disconnects.</summary>
    Client = 1,
}
