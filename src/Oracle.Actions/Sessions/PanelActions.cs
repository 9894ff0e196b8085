using System.Globalization;
using System.Numerics;
using Oracle.Actions.Units;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;
using Oracle.Chain.Model;
using Oracle.Core.Eip712;

namespace Oracle.Actions.Sessions;

/// <summary>
/// Named panels (docs/protocol.md §2 <c>PanelAcceptance</c>): the provider signs its acceptance of a panel for one
/// client (<see cref="AcceptAsync"/>); the client checks it before opening the session with it
/// (<see cref="CheckAcceptanceAsync"/>, used by <see cref="SessionActions.OpenAsync"/>), so a forged, altered, expired or
/// mismatched acceptance costs no gas and says what is wrong in one line.
/// </summary>
public static class PanelActions
{
    /// <summary>The longest an acceptance may be valid for: a signature that never expires is a standing offer.</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(30);

    /// <summary>
    /// The provider (the context's account, a registered Active provider) signs its acceptance that
    /// <see cref="PanelAcceptanceRequest.Client"/> opens one session judged by the request's panel of staked oracles, with
    /// its penalty, until the chain's time plus <see cref="PanelAcceptanceRequest.ValidFor"/>. Nothing is sent.
    /// </summary>
    public static Task<ActionResult<PanelAcceptanceIssued>> AcceptAsync(ActionContext context, PanelAcceptanceRequest request, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(request);
            var provider = context.RequireAccount("accepting a panel");
            var key = context.Chain.Signer ?? throw new ActionFailedException(new ActionError(ActionErrorKind.Key, "accepting a panel signs with your key: give --keystore"));
            var client = Addresses.Parse(request.Client, "--client");
            if (Addresses.Same(client, provider))
            {
                throw ActionFailedException.InvalidInput("a provider cannot accept a panel for a session with itself");
            }

            var registry = new ProviderRegistryService(context.Web3, context.AddressOf(ContractNames.ProviderRegistry));
            var terms = await registry.SessionTermsQueryAsync(provider, null, cancellationToken).ConfigureAwait(false);
            if (!terms.Active)
            {
                var status = (ProviderStatus)(await registry.GetProviderQueryAsync(provider, null, cancellationToken).ConfigureAwait(false)).P.Status;
                throw status == ProviderStatus.None
                    ? ActionFailedException.Refused($"{provider} is not a registered provider: only a session's provider accepts its panel (`oracle provider register` first)")
                    : ActionFailedException.Refused($"provider {provider} takes no new sessions (it is unbonding): it accepts no panel");
            }

            if (request.ValidFor <= TimeSpan.Zero || request.ValidFor > MaxValidity)
            {
                throw ActionFailedException.InvalidInput($"--valid-for: an acceptance is valid for more than 0 seconds and at most {MaxValidity.TotalDays} days");
            }

            var penalty = Tokens.Uint96(request.Penalty, "the penalty");
            var panel = await NormalizePanelAsync(context, request.Panel, client, provider, null, cancellationToken).ConfigureAwait(false);
            if (panel.Count == 0)
            {
                throw ActionFailedException.InvalidInput("--panel: name the oracles of the panel (odd, 3 up to the network's maximum)");
            }

            // A member that is not a staked oracle (or cannot lock its seat) makes the dispute fall back to a drawn
            // committee: refuse to sign a panel that would not judge.
            var oracles = new OracleRegistryService(context.Web3, context.AddressOf(ContractNames.OracleRegistry));
            foreach (var member in panel)
            {
                if (!await oracles.IsOracleQueryAsync(member, null, cancellationToken).ConfigureAwait(false))
                {
                    throw ActionFailedException.InvalidInput($"panel member {member} is not a staked oracle: a panel of non-oracles cannot judge (`oracle keys show --address {member}` shows its stake)");
                }
            }

            var now = await context.ChainTimeAsync(cancellationToken).ConfigureAwait(false);
            var deadline = (ulong)now.Add(request.ValidFor).ToUnixTimeSeconds();
            var unsigned = new PanelAcceptanceDocument(context.Chain.ChainId, context.AddressOf(ContractNames.SessionManager), provider, client, penalty, panel.Count,
                panel, deadline, new byte[65]);
            var signature = TypedDataSigner.Sign(unsigned.ToMessage(), context.Chain.SessionManagerDomain, key);
            var document = unsigned with { Signature = Convert.FromHexString(signature.AsSpan(2)) };
            return new PanelAcceptanceIssued(provider, client, panel, Asset.Vpn.Amount(penalty), panel.Count, DateTimeOffset.FromUnixTimeSeconds((long)deadline),
                document.ToToken(), document.ToJsonObject());
        }, cancellationToken);

    /// <summary>
    /// Checks <paramref name="acceptance"/> for the client <paramref name="client"/> opening a session with
    /// <paramref name="provider"/> — what the SessionManager checks, made first: the network, the provider, the
    /// signature, the client, the penalty and panel the client gave (<paramref name="panel"/> already normalized; both
    /// must be the accepted ones, so the client states what it agrees to), the committee size when given, the deadline.
    /// Returns the panel (ascending) and penalty to open with.
    /// </summary>
    /// <exception cref="ActionFailedException">The first check that fails, in one line.</exception>
    internal static async Task<(IReadOnlyList<string> Panel, TokenAmount Penalty)> CheckAcceptanceAsync(ActionContext context, PanelAcceptanceDocument acceptance, string client,
        string provider, TokenAmount? penalty, IReadOnlyList<string> panel, int? committeeSize, CancellationToken cancellationToken)
    {
        var sessionManager = context.AddressOf(ContractNames.SessionManager);
        if (acceptance.ChainId != context.Chain.ChainId || !Addresses.Same(acceptance.SessionManager, sessionManager))
        {
            throw ActionFailedException.InvalidInput($"the panel acceptance is for another network (chain {acceptance.ChainId}, SessionManager {acceptance.SessionManager}), "
                + $"not this one (chain {context.Chain.ChainId}, SessionManager {sessionManager})");
        }

        if (!Addresses.Same(acceptance.Provider, provider))
        {
            throw ActionFailedException.InvalidInput($"the panel acceptance is provider {acceptance.Provider}'s, not --provider {provider}'s");
        }

        var signer = acceptance.RecoverSigner();
        if (!Addresses.Same(signer, acceptance.Provider))
        {
            throw ActionFailedException.Refused($"the panel acceptance is not signed by provider {acceptance.Provider} (its signature recovers to {signer ?? "nobody"}): "
                + "it was forged or altered; ask the provider for a new one");
        }

        if (!Addresses.Same(acceptance.Client, client))
        {
            throw ActionFailedException.InvalidInput($"the panel acceptance is for client {acceptance.Client}, not for your account {client}");
        }

        // The client states the terms it agrees to (its half of electing the panel); the acceptance must be for them. Nothing
        // is taken from the provider's document on trust: a provider cannot slip in a panel or a penalty.
        var accepted = Asset.Vpn.Amount(acceptance.Penalty);
        var asked = penalty ?? Asset.Vpn.Amount(0);
        if (asked != accepted)
        {
            throw ActionFailedException.InvalidInput(penalty is null
                ? $"the panel acceptance is for a penalty of {accepted}: give --penalty {accepted.ToDecimalString()} if you agree to it"
                : $"--penalty {asked} is not the accepted penalty {accepted}");
        }

        var normalized = await NormalizePanelAsync(context, acceptance.Panel, client, provider, null, cancellationToken).ConfigureAwait(false);
        if (normalized.Count == 0 || acceptance.CommitteeSize != normalized.Count || !normalized.SequenceEqual(acceptance.Panel, StringComparer.OrdinalIgnoreCase))
        {
            throw ActionFailedException.InvalidInput($"the panel acceptance's panel is not a committee the SessionManager takes ({acceptance.CommitteeSize} seats, "
                + $"{acceptance.Panel.Count} oracles, ascending); ask the provider for a new one");
        }

        if (panel.Count == 0)
        {
            throw ActionFailedException.InvalidInput($"give --panel with the oracles you agree to; the acceptance names {string.Join(",", normalized)}");
        }

        if (!panel.SequenceEqual(normalized, StringComparer.OrdinalIgnoreCase))
        {
            throw ActionFailedException.InvalidInput($"--panel is not the accepted panel {string.Join(",", normalized)}");
        }

        if (committeeSize is { } size && size != normalized.Count)
        {
            throw ActionFailedException.InvalidInput($"--committee {size} is not the accepted panel's size {normalized.Count}");
        }

        var now = await context.ChainTimeAsync(cancellationToken).ConfigureAwait(false);
        if ((ulong)now.ToUnixTimeSeconds() >= acceptance.Deadline)
        {
            throw ActionFailedException.Refused($"the panel acceptance expired {RevertMessages.When(acceptance.Deadline, now)}: ask the provider for a new one");
        }

        return (normalized, accepted);
    }

    /// <summary>
    /// Asks the SessionManager (a call from the client, nothing sent) whether it would take the acceptance: a used one
    /// (each opens one session) is known only to the contract. Reverts about the deposit (no allowance yet) are not
    /// this check's business.
    /// </summary>
    /// <exception cref="ContractRevertedException">The contract refuses the acceptance itself.</exception>
    internal static async Task RequireUnusedAsync(SessionManagerService manager, string client, OpenParams parameters, PanelAcceptanceDocument acceptance,
        CancellationToken cancellationToken)
    {
        var call = new OpenSessionWithPanelFunction { Params = parameters, AcceptanceDeadline = acceptance.Deadline, ProviderSignature = acceptance.Signature, FromAddress = client };
        try
        {
            await manager.QueryAsync<OpenSessionWithPanelFunction, ulong>(call, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertedException e) when (e.Error.Name is not ("SessionAcceptanceUsed" or "SessionAcceptanceExpired" or "SessionInvalidSignature"))
        {
            // The acceptance passed; what failed comes after it (the deposit's allowance, given next).
        }
    }

    /// <summary>
    /// The panel as the SessionManager takes it: addresses parsed, strictly ascending, no repeats, no party of the
    /// session, an odd size from 3 to the network's maximum (empty stays empty: a drawn committee).
    /// </summary>
    internal static async Task<IReadOnlyList<string>> NormalizePanelAsync(ActionContext context, IReadOnlyList<string> panel, string client, string provider,
        SessionManagerService? manager, CancellationToken cancellationToken)
    {
        var parsed = panel.Select((p, i) => Addresses.Parse(p, $"panel member {i + 1}")).ToList();
        if (parsed.Count == 0)
        {
            return parsed;
        }

        // The contract wants the panel in strictly ascending address order.
        parsed = [.. parsed.OrderBy(p => BigInteger.Parse("0" + p[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
        if (parsed.Distinct(StringComparer.OrdinalIgnoreCase).Count() != parsed.Count)
        {
            throw ActionFailedException.InvalidInput("the panel names an oracle twice");
        }

        if (parsed.Any(p => Addresses.Same(p, client) || Addresses.Same(p, provider)))
        {
            throw ActionFailedException.InvalidInput("a party of the session cannot sit on its panel");
        }

        manager ??= new SessionManagerService(context.Web3, context.AddressOf(ContractNames.SessionManager));
        var maxSize = await manager.MaxCommitteeSizeQueryAsync(null, cancellationToken).ConfigureAwait(false);
        if (parsed.Count < 3 || parsed.Count > maxSize || parsed.Count % 2 == 0)
        {
            throw ActionFailedException.InvalidInput($"a panel has an odd number of oracles from 3 to {maxSize}, not {parsed.Count}");
        }

        return parsed;
    }
}
