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

    /// <summary>The dispute the exit provider filed with the record proof.</summary>
    public ulong? ProviderDisputeId { get; set; }

    /// <summary>Alice's dispute, decided by a drawn committee.</summary>
    public ulong? CommitteeDisputeId { get; set; }

    /// <summary>The leaf of the denied SMB record in the exit session's log.</summary>
    public ulong? DeniedLeaf { get; set; }

    /// <summary>The rule that denied it.</summary>
    public uint? DeniedRule { get; set; }

    /// <summary>The denied record's proof as the collector served it (opened with the session's key).</summary>
    public MainJobSteps.DeniedRecordProof? DeniedRecordProof { get; set; }

    /// <summary>The VPN/ETH answer the oracles reported.</summary>
    public string? VpnEthPrice { get; set; }

    /// <summary>The vouchers the providers redeemed when closing, by session.</summary>
    public Dictionary<ulong, Oracle.Actions.Sessions.VoucherDocument> ClosingVouchers { get; } = [];

    /// <summary>Steps that could not run on this build, with the reason.</summary>
    public List<string> NotPlayed { get; } = [];
}
