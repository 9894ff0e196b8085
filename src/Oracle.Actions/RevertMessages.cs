using System.Globalization;
using System.Numerics;
using Oracle.Actions.Units;
using Oracle.Chain.Errors;
using Oracle.Chain.Model;

namespace Oracle.Actions;

/// <summary>
/// Turns a contract's custom error into one line a person can act on: the errors users meet (a paused or stale price
/// feed, slippage, a short balance, a session in the wrong state...) get a sentence; others are named with their
/// arguments, as the contract declares them.
/// </summary>
public static class RevertMessages
{
    /// <summary>
    /// The explanation of <paramref name="error"/>; <paramref name="context"/> names contracts when given, and times are
    /// said relative to <paramref name="now"/> (the chain's time; the wall clock when null).
    /// </summary>
    public static string Explain(ContractError? error, ActionContext? context = null, DateTimeOffset? now = null)
    {
        if (error is null)
        {
            return "the transaction failed without a reason";
        }

        string Name(string argument) => context?.NameOf(error[argument] as string) ?? (error[argument] as string ?? "?");
        string Vpn(string argument) => Asset.Vpn.Amount(Big(error[argument])).ToString();
        string Time(string argument) => When(Big(error[argument]), now);
        try
        {
            return error.Name switch
            {
                "ExchangePriceJumpUnconfirmed" =>
                    $"the {Feed(Name("feed"))} price feed is paused: its latest price jumped beyond the exchange's band; trading on it resumes {Time("confirmsAt")} unless the oracles report a price back inside the band first",
                "ExchangeStalePrice" =>
                    $"the {Feed(Name("feed"))} price is stale (last updated {Time("updatedAt")}): the exchange trades only on recent rounds; it resumes when the oracles report",
                "ExchangeInvalidPrice" => $"the {Feed(Name("feed"))} price feed answers a non-positive price",
                "ExchangeSlippage" => $"the price moved: the trade would return {Big(error["amountOut"])} base units, less than the minimum {Big(error["minAmountOut"])}; quote again or allow more slippage (--slippage)",
                "ExchangeInsufficientReserve" => $"the exchange cannot buy that much back now: it needs {Big(error["needed"])} base units and holds {Big(error["available"])}",
                "ExchangeZeroAmount" => "the amount is zero",
                "ERC20InsufficientBalance" => $"not enough tokens: {error["sender"]} holds {Big(error["balance"])} base units and {Big(error["needed"])} are needed",
                "ERC20InsufficientAllowance" => $"the allowance to {Name("spender")} is {Big(error["allowance"])} base units, {Big(error["needed"])} are needed",
                "ProviderAlreadyRegistered" => $"{error["provider"]} is already registered as a provider: use `oracle provider update`",
                "ProviderNotRegistered" => $"{error["provider"]} is not a registered provider",
                "ProviderNotActive" => $"provider {error["provider"]} is not active (it is unbonding)",
                "ProviderBondTooLow" => $"the bond {Vpn("bond")} is below the network's minimum {Vpn("minimum")}",
                "ProviderStillUnbonding" => $"the bond is still unbonding: it can be withdrawn {Time("unbondableAt")}",
                "ProviderBondReserved" => $"{Vpn("reservedBond")} of the bond is reserved by sessions whose claims may still come: it is released when they settle or their dispute window closes",
                "ProviderInvalidInfo" => $"the registry refuses the provider's {error["field"]}",
                "SessionUnknown" => $"no session {error["sessionId"]} with these terms",
                "SessionWrongStatus" => $"session {error["sessionId"]} is {Status(error["status"])}",
                "SessionUnauthorized" => $"{error["caller"]} is not the party that may do this",
                "SessionVoucherMismatch" => $"the voucher is for session {error["voucherSessionId"]}, not {error["sessionId"]}",
                "SessionInvalidSignature" => $"the signature is {error["recovered"]}'s, not the expected {error["expected"]}'s",
                "SessionProviderNotActive" => $"provider {error["provider"]} takes no new sessions (not registered, or unbonding)",
                "SessionTermsChanged" => "the provider's price or policy changed meanwhile; look at it again (`oracle provider show`) and retry",
                "SessionInvalidDeposit" => $"the deposit {Vpn("deposit")} must be positive and at least the penalty {Vpn("penalty")}",
                "SessionInvalidCommittee" => $"a committee of {error["committeeSize"]} is not allowed (odd, 3 up to the network's maximum; a panel's length)",
                "SessionInvalidPanel" => "the panel must be oracles in strictly ascending address order",
                "SessionPanelNotAccepted" => "a named panel needs the provider's signed acceptance (`oracle provider accept-panel`, then `oracle session open --panel-acceptance`)",
                "SessionAcceptanceExpired" => $"the provider's panel acceptance expired {Time("deadline")}: ask the provider for a new one",
                "SessionAcceptanceUsed" => "the provider's panel acceptance already opened a session (each opens one): ask the provider for a new one",
                "SessionChallengeWindowOpen" => $"the challenge window is open until {Time("closeDeadline")}; finalize after it",
                "SessionChallengeWindowClosed" => $"the challenge window closed {Time("closeDeadline")}",
                "SessionExpired" => $"session {error["sessionId"]} ran out {Time("endsAt")}: vouchers are now redeemed by closing it (`oracle session close`)",
                "SessionDisputeOpen" => $"session {error["sessionId"]} has {error["openDisputes"]} open dispute(s); it closes once they are ruled",
                "SessionDisputeWindowClosed" => $"the dispute window of session {error["sessionId"]} has closed",
                "DisputeUnknown" => $"no dispute {error["disputeId"]}",
                "DisputeWrongPhase" => $"dispute {error["disputeId"]} is in its {(DisputePhase)(byte)Big(error["phase"])} phase",
                "DisputeInvalidClaim" => $"{error["filer"]} may not file this claim type ({(ClaimType)(byte)Big(error["claimType"])}): a client breach is filed by the provider, the others by the client",
                "DisputeNothingToClaim" => $"{error["account"]} has nothing to claim",
                "DisputeNotJuror" => $"{error["caller"]} holds no seat in this round",
                "DisputeNotParty" => $"{error["caller"]} is not a party of the session",
                "DisputeDrawingNotOver" => $"the drawing of dispute {error["disputeId"]} may be ended only after {Time("deadline")}",
                "DisputeRoundNotSettled" => $"round {error["round"]} of dispute {error["disputeId"]} must be settled first",
                "DisputeRecordMismatch" => "the record proof does not name this session and rule as a denied flow",
                "DisputeInclusionInvalid" => "the record is not in the log the voucher signs",
                "DisputeRootSignatureInvalid" => $"the voucher of the proof is signed by {error["recovered"]}, not by the respondent {error["respondent"]}",
                "OracleRegistryBelowMinimum" => $"a stake of {Vpn("stake")} is below the minimum {Vpn("minimum")}",
                "OracleRegistryInsufficientFreeStake" => $"only {Vpn("free")} of the stake is free ({Vpn("requested")} requested)",
                "OracleRegistryNotUnstakable" => $"the stake can leave {Time("unstakableAt")}",
                _ => $"the chain refused it: {error}",
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException or OverflowException or FormatException)
        {
            return $"the chain refused it: {error}";
        }
    }

    private static string Feed(string name) => name switch
    {
        "PriceFeedVpnEth" => "VPN / ETH",
        "PriceFeedBtcEth" => "BTC / ETH",
        _ => name,
    };

    private static string Status(object? status) => ((SessionStatus)(byte)Big(status)).ToString().ToLowerInvariant() switch
    {
        "none" => "not open",
        var s => s,
    };

    private static BigInteger Big(object? value) => value switch
    {
        BigInteger b => b,
        null => BigInteger.Zero,
        _ => BigInteger.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
    };

    /// <summary>A Unix time as "at 2025-01-01 12:00 UTC (in 29 min)", relative to <paramref name="now"/> (the chain's time; the wall clock when null).</summary>
    internal static string When(BigInteger unixSeconds, DateTimeOffset? now = null)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds);
        var delta = at - (now ?? DateTimeOffset.UtcNow);
        var relative = delta.Duration() < TimeSpan.FromMinutes(1) ? "now"
            : delta > TimeSpan.Zero ? $"in {Duration(delta)}" : $"{Duration(delta.Duration())} ago";
        return string.Create(CultureInfo.InvariantCulture, $"at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({relative})");
    }

    /// <summary>A duration as "29 min", "3 h 5 min", "2 d 4 h".</summary>
    internal static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d {span.Hours} h"),
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds} s"),
    };
}
