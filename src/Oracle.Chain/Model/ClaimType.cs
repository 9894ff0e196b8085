namespace Oracle.Chain.Model;

/// <summary><c>IDisputeManager.ClaimType</c>; the claim type fixes who the respondent is.</summary>
public enum ClaimType : byte
{
    /// <summary>Not a claim.</summary>
    None = 0,

    /// <summary>Filed by the provider: the client's traffic broke the policy (provable on-chain with a record proof).</summary>
    ClientBreachedPolicy = 1,

    /// <summary>Filed by the client: the provider did not enforce or keep its policy.</summary>
    ProviderBreachedPolicy = 2,

    /// <summary>Filed by the client: the provider charged for bytes it did not carry.</summary>
    ProviderOvercharged = 3,

    /// <summary>Filed by the client: the provider took payment without serving.</summary>
    ProviderWithheldService = 4,
}
