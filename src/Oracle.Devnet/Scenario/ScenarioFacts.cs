namespace Oracle.Devnet.Scenario;

/// <summary>What the main job's steps found, for later steps, the summary and the end-to-end test.</summary>
public sealed class ScenarioFacts
{
    /// <summary>The exit session (client paying in ETH).</summary>
    public ulong? ExitSession { get; set; }

    /// <summary>The site-to-site session (client paying in wrapped BTC).</summary>
    public ulong? SiteSession { get; set; }

    /// <summary>Bytes iperf3 carried through the exit, both ways.</summary>
    public long IperfBytes { get; set; }

    /// <summary>Its throughput, bits per second.</summary>
    public double IperfBitsPerSecond { get; set; }

    /// <summary>What the internet's web server answered through the exit.</summary>
    public string? ExitPage { get; set; }

    /// <summary>What the company's intranet server answered through the site-to-site link.</summary>
    public string? CompanyPage { get; set; }

    /// <summary>Packets of the SMB attempt the exit provider's policy denied, by rule.</summary>
    public IReadOnlyDictionary<string, long> Denials { get; set; } = new Dictionary<string, long>();

    /// <summary>The dispute the provider filed.</summary>
    public ulong? DisputeId { get; set; }

    /// <summary>Steps that could not run on this build, with the reason.</summary>
    public List<string> NotPlayed { get; } = [];
}
