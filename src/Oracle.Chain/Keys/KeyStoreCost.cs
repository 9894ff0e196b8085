namespace Oracle.Chain.Keys;

/// <summary>How expensive a new keystore is to decrypt (scrypt N).</summary>
public enum KeyStoreCost
{
    /// <summary>geth's default (N = 2^18): for every key that guards real value.</summary>
    Standard,

    /// <summary>N = 2^12: for throwaway devnet keys, so that starting the local network stays fast.</summary>
    Light,
}
