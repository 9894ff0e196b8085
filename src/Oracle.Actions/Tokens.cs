using System.Numerics;
using Nethereum.Contracts.Standards.ERC20.ContractDefinition;
using Oracle.Actions.Units;
using Oracle.Chain.Deployment;

namespace Oracle.Actions;

/// <summary>ERC-20 reads and approvals of the network's VPN token and wrapped BTC, through the account's sender.</summary>
internal static class Tokens
{
    /// <summary>The address of <paramref name="asset"/>'s token contract.</summary>
    public static string AddressOf(ActionContext context, Asset asset)
        => asset == Asset.Vpn ? context.AddressOf(ContractNames.VpnToken)
            : asset == Asset.WrappedBtc ? context.AddressOf(ContractNames.WrappedBtc)
            : throw new ArgumentException($"{asset} is not a token", nameof(asset));

    /// <summary>The balance of <paramref name="owner"/>; ETH for <see cref="Asset.Eth"/>.</summary>
    public static async Task<TokenAmount> BalanceAsync(ActionContext context, Asset asset, string owner, CancellationToken cancellationToken)
    {
        if (asset == Asset.Eth)
        {
            return asset.Amount(await context.EthBalanceAsync(owner, cancellationToken).ConfigureAwait(false));
        }

        var token = context.Web3.Eth.ERC20.GetContractService(AddressOf(context, asset));
        return asset.Amount(await token.BalanceOfQueryAsync(owner).WaitAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Fails the action unless <paramref name="owner"/> holds <paramref name="needed"/>, saying what it holds and how to
    /// get more (<paramref name="hint"/>).
    /// </summary>
    public static async Task RequireBalanceAsync(ActionContext context, TokenAmount needed, string owner, string purpose, CancellationToken cancellationToken, string? hint = null)
    {
        var balance = await BalanceAsync(context, needed.Asset, owner, cancellationToken).ConfigureAwait(false);
        if (balance < needed)
        {
            hint ??= needed.Asset == Asset.Vpn ? $"; buy VPN first: oracle exchange buy --vpn {(needed - balance).ToDecimalString()} --with eth" : "";
            throw ActionFailedException.Refused($"{purpose} needs {needed}, but {owner} holds {balance}{hint}");
        }
    }

    /// <summary>Approves <paramref name="amount"/> to <paramref name="spenderName"/> unless the allowance already covers it.</summary>
    public static async Task EnsureAllowanceAsync(ActionContext context, TokenAmount amount, string spenderName, CancellationToken cancellationToken)
    {
        var owner = context.RequireAccount("an approval");
        var token = AddressOf(context, amount.Asset);
        var spender = context.AddressOf(spenderName);
        var allowance = await context.Web3.Eth.ERC20.GetContractService(token).AllowanceQueryAsync(owner, spender).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (allowance >= amount.BaseUnits)
        {
            return;
        }

        await context.SendAsync($"approving {amount} to the {spenderName}", token, new ApproveFunction { Spender = spender, Value = amount.BaseUnits }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The decimals of the wrapped BTC token (8 for WBTC and the devnet's stand-in).</summary>
    public static async Task<Asset> WrappedBtcAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var decimals = await context.Web3.Eth.ERC20.GetContractService(context.AddressOf(ContractNames.WrappedBtc)).DecimalsQueryAsync()
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return decimals == Asset.WrappedBtc.Decimals ? Asset.WrappedBtc : Asset.WrappedBtc with { Decimals = decimals };
    }

    /// <summary>Whether <paramref name="value"/> fits uint96, else fails naming <paramref name="what"/>.</summary>
    public static BigInteger Uint96(TokenAmount value, string what)
        => value.FitsUint96 ? value.BaseUnits : throw ActionFailedException.InvalidInput($"{what} {value} is larger than the contracts hold (2^96 base units)");
}
