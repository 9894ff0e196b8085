namespace Oracle.Chain.Model;

/// <summary><c>IProviderRegistry.ProviderStatus</c>.</summary>
public enum ProviderStatus : byte
{
    /// <summary>Not registered.</summary>
    None = 0,

    /// <summary>Takes new sessions.</summary>
    Active = 1,

    /// <summary>Takes no new sessions; the bond can be withdrawn after the delay.</summary>
    Unbonding = 2,
}
