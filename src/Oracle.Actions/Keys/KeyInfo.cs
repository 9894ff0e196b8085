namespace Oracle.Actions.Keys;

/// <summary>A keystore file and the address of its key.</summary>
/// <param name="Address">The account (checksummed).</param>
/// <param name="Keystore">The keystore file.</param>
public sealed record KeyInfo(string Address, string Keystore);
