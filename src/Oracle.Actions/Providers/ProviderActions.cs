using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Units;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Core.Policy;

namespace Oracle.Actions.Providers;

/// <summary>
/// A provider's life in the ProviderRegistry: register (endpoint, tunnel key, region, price, policy hash and URI,
/// bond), update, add bond, unbond, withdraw; and discovery of providers by region and price.
/// </summary>
public static partial class ProviderActions
{
    /// <summary>Registers the context's account as a provider, posting <paramref name="bond"/> (the network's minimum when null).</summary>
    public static Task<ActionResult<ProviderTransaction>> RegisterAsync(ActionContext context, ProviderTerms terms, TokenAmount? bond = null, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            ArgumentNullException.ThrowIfNull(terms);
            var account = context.RequireAccount("registering a provider");
            var registry = Registry(context);
            var current = (await registry.GetProviderQueryAsync(account, null, cancellationToken).ConfigureAwait(false)).P;
            if (current.Status != (byte)ProviderStatus.None)
            {
                throw ActionFailedException.Refused($"{account} is already a provider ({(ProviderStatus)current.Status}); change it with `oracle provider update`");
            }

            var info = Info(terms, null);
            var minimum = Asset.Vpn.Amount(await registry.MinBondQueryAsync(null, cancellationToken).ConfigureAwait(false));
            var posted = bond ?? minimum;
            if (posted < minimum)
            {
                throw ActionFailedException.InvalidInput($"the bond {posted} is below the network's minimum {minimum}");
            }

            var bondUnits = Tokens.Uint96(posted, "the bond");
            await Tokens.RequireBalanceAsync(context, posted, account, "the bond", cancellationToken).ConfigureAwait(false);
            await Tokens.EnsureAllowanceAsync(context, posted, ContractNames.ProviderRegistry, cancellationToken).ConfigureAwait(false);
            var receipt = await context.SendAsync($"registering provider {account} ({Region(info.Region)}, {Asset.Vpn.Amount(info.PricePerMiB)}/MiB, bond {posted})",
                registry.Address, new RegisterFunction { Info = info, Bond = bondUnits }, cancellationToken).ConfigureAwait(false);
            return await DoneAsync(context, account, receipt, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Changes what the provider publishes; fields of <paramref name="terms"/> left null keep their value.</summary>
    public static Task<ActionResult<ProviderTransaction>> UpdateAsync(ActionContext context, ProviderTerms terms, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            ArgumentNullException.ThrowIfNull(terms);
            var account = context.RequireAccount("updating a provider");
            var current = await RequireProviderAsync(context, account, cancellationToken).ConfigureAwait(false);
            if (terms == new ProviderTerms())
            {
                throw ActionFailedException.InvalidInput("nothing to change: give at least one of --endpoint, --tunnel-key, --region, --price, --policy, --policy-uri");
            }

            var info = Info(terms, current.Info);
            var receipt = await context.SendAsync($"updating provider {account}", Registry(context).Address, new UpdateFunction { Info = info }, cancellationToken).ConfigureAwait(false);
            return await DoneAsync(context, account, receipt, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Adds <paramref name="amount"/> to the provider's bond.</summary>
    public static Task<ActionResult<ProviderTransaction>> AddBondAsync(ActionContext context, TokenAmount amount, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("adding bond");
            if (amount.IsZero)
            {
                throw ActionFailedException.InvalidInput("the bond to add must be more than zero");
            }

            var current = await RequireProviderAsync(context, account, cancellationToken).ConfigureAwait(false);
            if (current.Status != (byte)ProviderStatus.Active)
            {
                throw ActionFailedException.Refused($"{account} is unbonding: an unbonding provider cannot add bond");
            }

            var units = Tokens.Uint96(amount, "the bond");
            if (current.Bond + units > TokenAmount.MaxUint96)
            {
                throw ActionFailedException.InvalidInput("the bond would exceed what the registry holds (2^96 base units)");
            }

            await Tokens.RequireBalanceAsync(context, amount, account, "adding bond", cancellationToken).ConfigureAwait(false);
            await Tokens.EnsureAllowanceAsync(context, amount, ContractNames.ProviderRegistry, cancellationToken).ConfigureAwait(false);
            var receipt = await context.SendAsync($"adding {amount} to the bond", Registry(context).Address, new AddBondFunction { Amount = units }, cancellationToken).ConfigureAwait(false);
            return await DoneAsync(context, account, receipt, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Stops taking sessions and starts the unbonding delay; the bond can be withdrawn after it.</summary>
    public static Task<ActionResult<ProviderTransaction>> UnbondAsync(ActionContext context, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("unbonding");
            var current = await RequireProviderAsync(context, account, cancellationToken).ConfigureAwait(false);
            if (current.Status == (byte)ProviderStatus.Unbonding)
            {
                var now = await context.TryChainTimeAsync(cancellationToken).ConfigureAwait(false);
                throw ActionFailedException.Refused($"{account} is already unbonding: the bond can be withdrawn {RevertMessages.When(current.UnbondableAt, now)}");
            }

            var receipt = await context.SendAsync("requesting to unbond (no new sessions from now on)", Registry(context).Address, new RequestUnbondFunction(), cancellationToken)
                .ConfigureAwait(false);
            return await DoneAsync(context, account, receipt, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Withdraws the whole bond once the unbonding delay has passed, leaving the registry.</summary>
    public static Task<ActionResult<ProviderTransaction>> WithdrawAsync(ActionContext context, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("withdrawing the bond");
            var current = await RequireProviderAsync(context, account, cancellationToken).ConfigureAwait(false);
            if (current.Status != (byte)ProviderStatus.Unbonding)
            {
                throw ActionFailedException.Refused($"{account} has not asked to unbond: run `oracle provider unbond` first, then wait for the unbonding delay");
            }

            var now = await context.ChainTimeAsync(cancellationToken).ConfigureAwait(false);
            if (now.ToUnixTimeSeconds() < (long)current.UnbondableAt)
            {
                throw ActionFailedException.Refused($"the bond is still unbonding: it can be withdrawn {RevertMessages.When(current.UnbondableAt, now)}");
            }

            var view = View(account, current);
            var receipt = await context.SendAsync($"withdrawing the bond of {view.Bond}", Registry(context).Address, new WithdrawBondFunction(), cancellationToken).ConfigureAwait(false);
            return new ProviderTransaction(view, receipt.TransactionHash, (ulong)receipt.BlockNumber.Value);
        }, cancellationToken);

    /// <summary>The provider at <paramref name="address"/> (the context's account when null).</summary>
    public static Task<ActionResult<ProviderView>> ShowAsync(ActionContext context, string? address = null, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = address is null ? context.RequireAccount("showing your provider") : Addresses.Parse(address, "provider");
            return View(account, await RequireProviderAsync(context, account, cancellationToken).ConfigureAwait(false));
        }, cancellationToken);

    /// <summary>Registered providers matching <paramref name="filter"/>, cheapest first.</summary>
    public static Task<ActionResult<IReadOnlyList<ProviderView>>> ListAsync(ActionContext context, ProviderFilter? filter = null, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync<IReadOnlyList<ProviderView>>(context, async () =>
        {
            filter ??= new ProviderFilter();
            var region = filter.Region is null ? null : Region(EncodeRegion(filter.Region));
            var registry = Registry(context);
            var count = await registry.ProviderCountQueryAsync(null, cancellationToken).ConfigureAwait(false);
            var found = new List<ProviderView>();
            for (BigInteger i = 0; i < count; i++)
            {
                var address = await registry.ProviderAtQueryAsync(i, null, cancellationToken).ConfigureAwait(false);
                var view = View(address, (await registry.GetProviderQueryAsync(address, null, cancellationToken).ConfigureAwait(false)).P);
                if ((view.Status == ProviderStatus.Active || filter.IncludeUnbonding)
                    && (region is null || view.Region == region)
                    && (filter.MaxPricePerMiB is not { } max || view.PricePerMiB <= max))
                {
                    found.Add(view);
                }
            }

            return [.. found.OrderBy(p => p.PricePerMiB.BaseUnits).ThenBy(p => p.Address, StringComparer.Ordinal)];
        }, cancellationToken);

    /// <summary>The region code as the registry stores it: ASCII upper case, left-aligned, zero-padded to 8 bytes.</summary>
    /// <exception cref="ActionFailedException">Not a region code.</exception>
    public static byte[] EncodeRegion(string region)
    {
        var code = (region ?? "").Trim().ToUpperInvariant();
        if (!RegionPattern().IsMatch(code))
        {
            throw ActionFailedException.InvalidInput($"region '{region}' is not a region code: ISO 3166-1 alpha-2 (\"DE\") or ISO 3166-2 (\"US-CA\"), at most 8 characters");
        }

        var bytes = new byte[8];
        Encoding.ASCII.GetBytes(code, bytes);
        return bytes;
    }

    /// <summary>Reads a tunnel public key: 0x and 64 hex digits, or base64 of 32 bytes.</summary>
    /// <exception cref="ActionFailedException">Not a 32-byte key.</exception>
    public static byte[] ParseTunnelKey(string text)
    {
        var s = (text ?? "").Trim();
        try
        {
            var key = s.Length == 66 && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.FromHexString(s[2..]) : Convert.FromBase64String(s);
            if (key.Length == 32 && key.Any(b => b != 0))
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw ActionFailedException.InvalidInput($"tunnel key '{text}' is not a 32-byte X25519 public key (base64 or 0x-hex, as `vpngateway keygen` prints it)");
    }

    /// <summary>Reads <c>host:port</c> (IPv6 hosts in brackets).</summary>
    /// <exception cref="ActionFailedException">Not an endpoint.</exception>
    public static string ParseEndpoint(string text)
    {
        var s = (text ?? "").Trim();
        var colon = s.LastIndexOf(':');
        var host = colon > 0 ? s[..colon] : "";
        var hostOk = host.Length > 0 && (host.StartsWith('[') ? host.EndsWith(']') : !host.Contains(':', StringComparison.Ordinal))
            && Uri.CheckHostName(host.Trim('[', ']')) != UriHostNameType.Unknown;
        if (!hostOk || !int.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw ActionFailedException.InvalidInput($"endpoint '{text}' is not host:port (for example vpn.example.com:51820 or [2001:db8::1]:51820)");
        }

        return s;
    }

    /// <summary>Reads and hashes a policy document file.</summary>
    /// <exception cref="ActionFailedException">Missing or invalid.</exception>
    public static PolicyDocument LoadPolicy(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ActionFailedException.InvalidInput($"policy {file}: {e.Message}");
        }

        return PolicyDocument.TryParse(bytes, out var document, out var error)
            ? document
            : throw ActionFailedException.InvalidInput($"policy {file} is not a valid policy document: {error}");
    }

    internal static async Task<Provider> RequireProviderAsync(ActionContext context, string account, CancellationToken cancellationToken)
    {
        var provider = (await Registry(context).GetProviderQueryAsync(account, null, cancellationToken).ConfigureAwait(false)).P;
        return provider.Status == (byte)ProviderStatus.None
            ? throw ActionFailedException.NotFound($"{account} is not a registered provider")
            : provider;
    }

    internal static ProviderView View(string address, Provider p) => new(
        Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(address),
        (ProviderStatus)p.Status,
        p.Info.Endpoint,
        Convert.ToBase64String(p.Info.TunnelPublicKey),
        Region(p.Info.Region),
        Asset.Vpn.Amount(p.Info.PricePerMiB),
        "0x" + Convert.ToHexStringLower(p.Info.PolicyHash),
        p.Info.PolicyUri,
        Asset.Vpn.Amount(p.Bond),
        Asset.Vpn.Amount(p.ReservedBond),
        DateTimeOffset.FromUnixTimeSeconds((long)p.RegisteredAt),
        p.Status == (byte)ProviderStatus.Unbonding ? DateTimeOffset.FromUnixTimeSeconds((long)p.UnbondableAt) : null);

    private static ProviderRegistryService Registry(ActionContext context) => new(context.Web3, context.AddressOf(ContractNames.ProviderRegistry));

    private static async Task<ProviderTransaction> DoneAsync(ActionContext context, string account, TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        var after = (await Registry(context).GetProviderQueryAsync(account, null, cancellationToken).ConfigureAwait(false)).P;
        return new ProviderTransaction(View(account, after), receipt.TransactionHash, (ulong)receipt.BlockNumber.Value);
    }

    // The registry's ProviderInfo from the terms given, the current values filling what is not given.
    private static ProviderInfo Info(ProviderTerms terms, ProviderInfo? current)
    {
        string Need(string? value, string? existing, string option)
            => value ?? existing ?? throw ActionFailedException.InvalidInput($"{option} is needed");

        var endpoint = terms.Endpoint is null ? Need(null, current?.Endpoint, "--endpoint") : ParseEndpoint(terms.Endpoint);
        var tunnelKey = terms.TunnelKey is null ? current?.TunnelPublicKey ?? throw ActionFailedException.InvalidInput("--tunnel-key is needed") : ParseTunnelKey(terms.TunnelKey);
        var region = terms.Region is null ? current?.Region ?? throw ActionFailedException.InvalidInput("--region is needed") : EncodeRegion(terms.Region);
        var price = terms.PricePerMiB is { } p ? Tokens.Uint96(p, "the price") : current?.PricePerMiB ?? throw ActionFailedException.InvalidInput("--price is needed");
        byte[] policyHash;
        string policyUri;
        if (terms.PolicyFile is not null)
        {
            var policy = LoadPolicy(terms.PolicyFile);
            policyHash = policy.Hash.ToArray();
            policyUri = terms.PolicyUri ?? new Uri(Path.GetFullPath(terms.PolicyFile)).AbsoluteUri;
        }
        else
        {
            policyHash = current?.PolicyHash ?? throw ActionFailedException.InvalidInput("--policy is needed (the policy document the gateway enforces)");
            policyUri = terms.PolicyUri ?? current.PolicyUri;
        }

        if (!Uri.TryCreate(policyUri, UriKind.Absolute, out _))
        {
            throw ActionFailedException.InvalidInput($"policy URI '{policyUri}' is not an absolute URI");
        }

        if (Encoding.UTF8.GetByteCount(endpoint) > 256 || Encoding.UTF8.GetByteCount(policyUri) > 512)
        {
            throw ActionFailedException.InvalidInput("the endpoint (256 bytes) or policy URI (512 bytes) is too long");
        }

        return new ProviderInfo { Endpoint = endpoint, TunnelPublicKey = tunnelKey, Region = region, PricePerMiB = price, PolicyHash = policyHash, PolicyUri = policyUri };
    }

    private static string Region(byte[] region) => Encoding.ASCII.GetString(region).TrimEnd('\0');

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,5})?$|^[A-Z0-9]{2,8}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
