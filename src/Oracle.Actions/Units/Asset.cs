namespace Oracle.Actions.Units;

/// <summary>A token (or ETH) as people write amounts of it: its symbol and the decimals of its base unit.</summary>
/// <param name="Symbol">The symbol printed after amounts ("VPN", "ETH", "wBTC").</param>
/// <param name="Decimals">Decimal places of one whole unit in base units (18 for VPN and ETH, 8 for wrapped BTC).</param>
public sealed record Asset(string Symbol, int Decimals)
{
    /// <summary>The VPN token (18 decimals).</summary>
    public static Asset Vpn { get; } = new("VPN", 18);

    /// <summary>Ether (18 decimals: wei).</summary>
    public static Asset Eth { get; } = new("ETH", 18);

    /// <summary>Wrapped BTC (8 decimals: satoshi), as the devnet's DevWrappedBtc and WBTC have.</summary>
    public static Asset WrappedBtc { get; } = new("wBTC", 8);

    /// <summary>An amount of this asset in base units.</summary>
    public TokenAmount Amount(System.Numerics.BigInteger baseUnits) => new(baseUnits, this);

    /// <summary>Parses a human amount ("12.5") of this asset; see <see cref="TokenAmount.TryParse"/>.</summary>
    /// <exception cref="ActionFailedException">The text is not an amount of this asset (InvalidInput).</exception>
    public TokenAmount Parse(string text, string what)
        => TokenAmount.TryParse(text, this, out var amount, out var error)
            ? amount
            : throw ActionFailedException.InvalidInput($"{what}: {error}");

    /// <inheritdoc />
    public override string ToString() => Symbol;
}
