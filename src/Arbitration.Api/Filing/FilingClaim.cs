namespace Arbitration.Api.Filing;

/// <summary>What <see cref="FilingStore.TryClaimAsync"/> found.</summary>
internal enum FilingClaim
{
    /// <summary>This request relays the filing.</summary>
    Claimed,

    /// <summary>The same filing is filed, or another request relays it.</summary>
    Held,

    /// <summary>A different filing of the same filer with the same nonce is being relayed.</summary>
    NonceInFlight,
}
