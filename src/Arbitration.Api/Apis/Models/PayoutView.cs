namespace Arbitration.Api.Apis.Models;

/// <summary>Tokens the DisputeManager credited to an account for this dispute (withdrawable with <c>withdraw()</c>).</summary>
public sealed record PayoutView(string Account, string Amount);
