namespace Arbitration.Api.Apis.Models;

/// <summary>Disputes filed and ended per day (chain time, UTC).</summary>
public sealed record DisputeStatsBucket(string Day, int Filed, int Upheld, int Rejected, int Dismissed);
