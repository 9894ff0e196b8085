using Microsoft.Extensions.Configuration;
using Oracle.Chain.Keys;
using Oracle.Hosting;

namespace OracleNode.Hosting;

/// <summary>The node's own sections, read once and checked: an unknown key or a value out of range is one line naming it.</summary>
internal sealed record NodeSettings(NodeOptions Node, StoreOptions Store, VotingOptions Voting, KeeperOptions Keeper, EvidenceOptions Evidence, PriceOptions Prices, RandomnessOptions Randomness)
{
    /// <summary>Reads and checks the sections.</summary>
    /// <exception cref="ConfigurationException">An unknown key, a wrong type, or a value out of range.</exception>
    public static NodeSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new NodeSettings(
            Bind<NodeOptions>(configuration, NodeOptions.Section),
            Bind<StoreOptions>(configuration, StoreOptions.Section),
            Bind<VotingOptions>(configuration, VotingOptions.Section),
            Bind<KeeperOptions>(configuration, KeeperOptions.Section),
            Bind<EvidenceOptions>(configuration, EvidenceOptions.Section),
            Bind<PriceOptions>(configuration, PriceOptions.Section),
            Bind<RandomnessOptions>(configuration, RandomnessOptions.Section));
        settings.Check();
        return settings;
    }

    /// <summary>Refuses what only a test may do on a chain that is not a local one.</summary>
    /// <exception cref="ConfigurationException">The test switch on a public chain.</exception>
    public void CheckChain(ulong chainId)
    {
        if (Voting.CrashAfterForTesting is not null && !DevelopmentKeys.IsLocal(chainId))
        {
            throw new ConfigurationException($"Voting:CrashAfterForTesting is a test switch; it is refused on chain {chainId} (local chains only)");
        }

        if (Randomness.VrfKeystore is not null && !DevelopmentKeys.IsLocal(chainId))
        {
            throw new ConfigurationException($"Randomness:VrfKeystore answers LocalVrfCoordinator, which only local networks deploy; it is refused on chain {chainId} (Chainlink's nodes answer there)");
        }

        if (Voting.InvertVotesForTesting && !DevelopmentKeys.IsLocal(chainId))
        {
            throw new ConfigurationException($"Voting:InvertVotesForTesting votes against the evidence and loses stake; it is refused on chain {chainId} (local chains only)");
        }
    }

    private void Check()
    {
        Positive(Node.TickInterval, "Node:TickInterval");
        if (Node.Parallelism is < 1 or > 256)
        {
            throw new ConfigurationException("Node:Parallelism must be 1 to 256");
        }

        NotNegative(Voting.DecisionMargin, "Voting:DecisionMargin");
        if (Voting.CrashAfterForTesting is not (null or "journal" or "commit"))
        {
            throw new ConfigurationException("Voting:CrashAfterForTesting must be journal or commit");
        }

        NotNegative(Voting.DeadlineWarning, "Voting:DeadlineWarning");
        NotNegative(Keeper.Slot, "Keeper:Slot");
        Positive(Evidence.Timeout, "Evidence:Timeout");
        if (Evidence.MaxRecords < 1)
        {
            throw new ConfigurationException("Evidence:MaxRecords must be at least 1");
        }

        for (var i = 0; i < Evidence.Collectors.Count; i++)
        {
            if (!Uri.TryCreate(Evidence.Collectors[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"Evidence:Collectors:{i} '{Evidence.Collectors[i]}' is not an http(s) URL");
            }
        }

        Positive(Prices.Interval, "Prices:Interval");
        Positive(Prices.RefreshAfter, "Prices:RefreshAfter");
        if (Prices.MaxSourceSpreadBps is < 0 or > 10_000)
        {
            throw new ConfigurationException("Prices:MaxSourceSpreadBps must be 0 to 10000");
        }

        if (Prices.MinChangeBps is < 0 or > 10_000)
        {
            throw new ConfigurationException("Prices:MinChangeBps must be 0 to 10000");
        }

        foreach (var (name, feed) in new[] { ("VpnEth", Prices.VpnEth), ("BtcEth", Prices.BtcEth) })
        {
            if (Prices.Enabled && feed.Sources.Count == 0)
            {
                throw new ConfigurationException($"Prices:{name}:Sources is empty: a node that reports prices needs at least one source per feed (Prices:Enabled is true)");
            }

            for (var i = 0; i < feed.Sources.Count; i++)
            {
                var source = feed.Sources[i];
                var where = $"Prices:{name}:Sources:{i}";
                if ((source.File is null) == (source.Url is null))
                {
                    throw new ConfigurationException($"{where}: set exactly one of File and Url");
                }

                if (source.Url is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                {
                    throw new ConfigurationException($"{where}:Url '{url}' is not an http(s) URL");
                }

                Positive(source.MaxAge, where + ":MaxAge");
            }
        }
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"section {section}: {e.GetBaseException().Message}", e);
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"{name} must be a positive duration (hh:mm:ss), not {value}");
        }
    }

    private static void NotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ConfigurationException($"{name} must not be negative");
        }
    }
}
