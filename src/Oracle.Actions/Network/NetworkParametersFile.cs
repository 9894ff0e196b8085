using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Oracle.Actions.Units;
using Oracle.Chain.Deployment;

namespace Oracle.Actions.Network;

/// <summary>
/// A network's constitution as a JSON file for <c>oracle network deploy</c>: the keys of <see cref="NetworkParameters"/>
/// in camelCase, every one optional (the devnet's value when absent). Durations are seconds or a number with a unit
/// (<c>"90s"</c>, <c>"30m"</c>, <c>"12h"</c>, <c>"45d"</c>); token amounts are whole VPN with decimals (<c>"1000"</c>);
/// the genesis prices are ETH per VPN and ETH per BTC (<c>"0.0001"</c>); <c>wrappedBtc</c> is the chain's wrapped BTC
/// token (required off the local chain). docs/operations.md shows an example.
/// </summary>
public static class NetworkParametersFile
{
    private static readonly string[] Durations =
    [
        "maxPriceAge", "priceJumpDelay", "feedRoundTimeout", "oracleUnbondingDelay", "providerUnbondingDelay", "challengeWindow",
        "maxSessionDuration", "disputeWindow", "collectorUnbondingDelay", "commitPeriod", "revealPeriod", "appealPeriod", "drawingPeriod",
    ];

    private static readonly string[] VpnAmounts = ["oracleMinStake", "providerMinBond", "collectorMinBond", "feePerSeat", "stakePerRound", "lockPerSeat"];

    private static readonly string[] EthPrices = ["genesisVpnEthPrice", "genesisBtcEthPrice"];

    private static readonly string[] Integers = ["exchangeFeeBps", "maxPriceJumpBps", "feedQuorum", "maxRounds"];

    /// <summary>Every key the file may hold.</summary>
    public static IReadOnlyList<string> Keys { get; } = [.. Durations, .. VpnAmounts, .. EthPrices, .. Integers, "wrappedBtc"];

    /// <summary>Reads <paramref name="file"/>; null reads nothing (the devnet's parameters).</summary>
    /// <exception cref="ActionFailedException">Unreadable, unknown key, wrong value, or contradictory parameters (InvalidInput).</exception>
    public static NetworkParameters Load(string? file)
    {
        if (file is null)
        {
            return NetworkParameters.Devnet;
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ActionFailedException.InvalidInput($"parameters {file}: {e.Message}");
        }

        return Parse(text, file);
    }

    /// <summary>Reads parameters from JSON text (comments allowed).</summary>
    /// <exception cref="ActionFailedException">Unknown key, wrong value, or contradictory parameters (InvalidInput).</exception>
    public static NetworkParameters Parse(string text, string source = "parameters")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw ActionFailedException.InvalidInput($"{source}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw ActionFailedException.InvalidInput($"{source}: not JSON ({e.Message})");
        }

        var p = NetworkParameters.Devnet;
        foreach (var (key, node) in root)
        {
            string Value() => node?.GetValueKind() switch
            {
                JsonValueKind.String => node.GetValue<string>(),
                JsonValueKind.Number => node.ToJsonString(),
                _ => throw ActionFailedException.InvalidInput($"{source}: {key} must be a string or a number"),
            };

            TimeSpan Duration() => ParseDuration(Value()) ?? throw ActionFailedException.InvalidInput(
                $"{source}: {key} '{Value()}' is not a duration: seconds, or a number with s, m, h or d (\"30m\")");
            System.Numerics.BigInteger Vpn() => TokenAmount.TryParse(Value(), Asset.Vpn, out var a, out var e) ? a.BaseUnits
                : throw ActionFailedException.InvalidInput($"{source}: {key}: {e}");
            System.Numerics.BigInteger Eth() => TokenAmount.TryParse(Value(), Asset.Eth, out var a, out var e) && !a.IsZero ? a.BaseUnits
                : throw ActionFailedException.InvalidInput($"{source}: {key}: {(a.IsZero ? "must be more than zero" : e)}");
            int Integer(int max) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= max ? v
                : throw ActionFailedException.InvalidInput($"{source}: {key} must be a whole number up to {max}");

            p = key switch
            {
                "exchangeFeeBps" => p with { ExchangeFeeBps = (ushort)Integer(ushort.MaxValue) },
                "maxPriceJumpBps" => p with { MaxPriceJumpBps = (ushort)Integer(ushort.MaxValue) },
                "feedQuorum" => p with { FeedQuorum = (byte)Integer(byte.MaxValue) },
                "maxRounds" => p with { MaxRounds = (byte)Integer(byte.MaxValue) },
                "maxPriceAge" => p with { MaxPriceAge = Duration() },
                "priceJumpDelay" => p with { PriceJumpDelay = Duration() },
                "feedRoundTimeout" => p with { FeedRoundTimeout = Duration() },
                "oracleUnbondingDelay" => p with { OracleUnbondingDelay = Duration() },
                "providerUnbondingDelay" => p with { ProviderUnbondingDelay = Duration() },
                "challengeWindow" => p with { ChallengeWindow = Duration() },
                "maxSessionDuration" => p with { MaxSessionDuration = Duration() },
                "disputeWindow" => p with { DisputeWindow = Duration() },
                "collectorUnbondingDelay" => p with { CollectorUnbondingDelay = Duration() },
                "commitPeriod" => p with { CommitPeriod = Duration() },
                "revealPeriod" => p with { RevealPeriod = Duration() },
                "appealPeriod" => p with { AppealPeriod = Duration() },
                "drawingPeriod" => p with { DrawingPeriod = Duration() },
                "oracleMinStake" => p with { OracleMinStake = Vpn() },
                "providerMinBond" => p with { ProviderMinBond = Vpn() },
                "collectorMinBond" => p with { CollectorMinBond = Vpn() },
                "feePerSeat" => p with { FeePerSeat = Vpn() },
                "stakePerRound" => p with { StakePerRound = Vpn() },
                "lockPerSeat" => p with { LockPerSeat = Vpn() },
                "genesisVpnEthPrice" => p with { GenesisVpnEthPrice = Eth() },
                "genesisBtcEthPrice" => p with { GenesisBtcEthPrice = Eth() },
                "wrappedBtc" => p with { WrappedBtc = Addresses.Parse(Value(), $"{source}: wrappedBtc") },
                _ => throw ActionFailedException.InvalidInput($"{source}: unknown key '{key}'; the keys are {string.Join(", ", Keys)}"),
            };
        }

        try
        {
            p.Validate();
        }
        catch (ArgumentException e)
        {
            throw ActionFailedException.InvalidInput($"{source}: {e.Message.Split(" (Parameter", 2)[0]}");
        }

        return p;
    }

    /// <summary>Reads "90", "90s", "30m", "12h", "45d" or a .NET TimeSpan ("1.00:00:00"); null when it is none.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var s = (text ?? "").Trim();
        if (s.Length == 0)
        {
            return null;
        }

        var unit = s[^1];
        var number = char.IsDigit(unit) ? s : s[..^1];
        if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100L * 365 * 86400)
        {
            return unit switch
            {
                's' or >= '0' and <= '9' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
        }

        return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }
}
