using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Oracle.Actions.Units;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;

namespace Oracle.Actions.Keys;

/// <summary>Keys in Web3 Secret Storage files, and what an account holds.</summary>
public static class KeyActions
{
    /// <summary>The shortest password accepted for a new keystore.</summary>
    public const int MinimumPasswordLength = 8;

    /// <summary>Creates a new random key in a keystore file at <paramref name="path"/> (never overwriting a file).</summary>
    /// <param name="path">The file to create.</param>
    /// <param name="password">Its password (at least <see cref="MinimumPasswordLength"/> characters).</param>
    /// <param name="cost">Scrypt cost: standard for real keys; light only for throwaway test keys.</param>
    public static ActionResult<KeyInfo> Create(string path, string password, KeyStoreCost cost = KeyStoreCost.Standard)
        => Write(path, EthECKey.GenerateKey(), password, cost);

    /// <summary>Encrypts an existing private key (64 hex digits, with or without 0x) into a new keystore file.</summary>
    public static ActionResult<KeyInfo> Import(string path, string privateKeyHex, string password, KeyStoreCost cost = KeyStoreCost.Standard)
    {
        var hex = (privateKeyHex ?? "").Trim().RemoveHexPrefix();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            return new ActionError(ActionErrorKind.InvalidInput, "the private key must be 64 hex digits (32 bytes), optionally after 0x");
        }

        EthECKey key;
        try
        {
            key = new EthECKey(hex.HexToByteArray(), isPrivate: true);
            _ = key.GetPublicAddress();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return new ActionError(ActionErrorKind.InvalidInput, "that is not a valid secp256k1 private key");
        }

        return Write(path, key, password, cost);
    }

    /// <summary>The address of the key in <paramref name="path"/> (decrypting it: the password is checked).</summary>
    public static ActionResult<KeyInfo> Show(string path, string? passwordFile, Func<string, string?>? environment = null)
    {
        try
        {
            var key = KeyStoreFile.LoadWithPasswordFile(path, passwordFile, environment);
            return new KeyInfo(Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress()), Path.GetFullPath(path));
        }
        catch (KeyStoreException e)
        {
            return new ActionError(ActionErrorKind.Key, e.Message);
        }
    }

    /// <summary>
    /// ETH, wrapped BTC and VPN balances of <paramref name="address"/> (the context's account when null), its provider
    /// bond, oracle stake and dispute credits.
    /// </summary>
    public static Task<ActionResult<AccountBalances>> BalancesAsync(ActionContext context, string? address = null, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            ArgumentNullException.ThrowIfNull(context);
            var account = address is null ? context.RequireAccount("showing your balances") : Addresses.Parse(address, "address");
            var btc = await Tokens.WrappedBtcAsync(context, cancellationToken).ConfigureAwait(false);
            var eth = await Tokens.BalanceAsync(context, Asset.Eth, account, cancellationToken).ConfigureAwait(false);
            var wbtc = await Tokens.BalanceAsync(context, btc, account, cancellationToken).ConfigureAwait(false);
            var vpn = await Tokens.BalanceAsync(context, Asset.Vpn, account, cancellationToken).ConfigureAwait(false);
            var provider = await new ProviderRegistryService(context.Web3, context.AddressOf(ContractNames.ProviderRegistry))
                .GetProviderQueryAsync(account, null, cancellationToken).ConfigureAwait(false);
            var oracle = await new OracleRegistryService(context.Web3, context.AddressOf(ContractNames.OracleRegistry))
                .OracleInfoQueryAsync(account, null, cancellationToken).ConfigureAwait(false);
            var claimable = await new DisputeManagerService(context.Web3, context.AddressOf(ContractNames.DisputeManager))
                .ClaimableQueryAsync(account, null, cancellationToken).ConfigureAwait(false);
            return new AccountBalances(account, eth, wbtc, vpn, Asset.Vpn.Amount(provider.P.Bond), Asset.Vpn.Amount(oracle.Info.Stake), Asset.Vpn.Amount(claimable));
        }, cancellationToken);

    private static ActionResult<KeyInfo> Write(string path, EthECKey key, string password, KeyStoreCost cost)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return new ActionError(ActionErrorKind.InvalidInput, "give the keystore file to write (--out)");
        }

        if (string.IsNullOrEmpty(password) || (cost == KeyStoreCost.Standard && password.Length < MinimumPasswordLength))
        {
            return new ActionError(ActionErrorKind.InvalidInput, $"the password must have at least {MinimumPasswordLength} characters");
        }

        if (File.Exists(path))
        {
            return new ActionError(ActionErrorKind.InvalidInput, $"{path} exists; a keystore is never overwritten: choose another file");
        }

        try
        {
            KeyStoreFile.Create(path, key, password, cost);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ActionError(ActionErrorKind.InvalidInput, $"cannot write {path}: {e.Message}");
        }

        return new KeyInfo(Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress()), Path.GetFullPath(path));
    }
}
