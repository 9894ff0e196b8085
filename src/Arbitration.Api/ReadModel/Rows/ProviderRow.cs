namespace Arbitration.Api.ReadModel.Rows;

/// <summary>A <c>providers</c> row (amounts as text).</summary>
internal sealed class ProviderRow
{
    public string Address { get; set; } = "";
    public string Region { get; set; } = "";
    public string PricePerMib { get; set; } = "";
    public string PolicyHash { get; set; } = "";
    public string PolicyUri { get; set; } = "";
    public string Endpoint { get; set; } = "";
    public string TunnelPublicKey { get; set; } = "";
    public string Bond { get; set; } = "";
    public string ReservedBond { get; set; } = "";
    public string Slashed { get; set; } = "";
    public string Status { get; set; } = "";
    public long? UnbondableAt { get; set; }
    public long RegisteredAt { get; set; }
    public long SessionsServed { get; set; }
    public string BytesServed { get; set; } = "";
    public string Earned { get; set; } = "";
    public int DisputesAgainst { get; set; }
    public int DisputesUpheld { get; set; }
    public int DisputesRejected { get; set; }
    public int DisputesFiled { get; set; }
}
