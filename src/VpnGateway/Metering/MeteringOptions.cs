using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Metering;

/// <summary>Metering settings (section <c>Metering</c>).</summary>
public sealed class MeteringOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Metering";

    /// <summary>How often a session's new records become a signed checkpoint (default 10 s).</summary>
    public TimeSpan EpochInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often flow timeouts are checked (default 1 s).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many records per checkpoint and message; a busier epoch gets several checkpoints (default 4096).</summary>
    public int MaxRecordsPerCheckpoint { get; set; } = 4096;

    /// <summary>
    /// Provider: a checkpoint not answered by a valid voucher within this time cuts the client off (default 30 s).
    /// It is also how long a spooled batch waits for its voucher before it is published without one.
    /// </summary>
    public TimeSpan VoucherGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Client: one allowance per session (docs/protocol.md §5.3) for the octets the provider claims beyond what the client
    /// saw, summed over every flow: this fraction of every byte the client counted (default 2 %)...
    /// </summary>
    public double OctetTolerance { get; set; } = 0.02;

    /// <summary>
    /// ...plus this many bytes per session (default 16 KiB): packets lost inside the tunnel, retransmissions. Packets the
    /// client's capture lost add 65,535 bytes each.
    /// </summary>
    public ulong OctetToleranceBytes { get; set; } = 16 * 1024;

    /// <summary>Client: end the session when the provider's evidence does not match (default true).</summary>
    public bool EndSessionOnMismatch { get; set; } = true;

    /// <summary>
    /// Where a session's terms (client, provider, price) come from: <c>chain</c> (the SessionManager's SessionOpened
    /// terms, the ProviderRegistry), <c>configuration</c> (<see cref="PricePerMiB"/>, <see cref="ProviderAddress"/>: pinned
    /// site-to-site links), or <c>auto</c> (default): the chain when the gateway runs with the chain directory
    /// (<c>Serve:Directory=chain</c>; a client with <c>Chain:RpcUrl</c>), else the configuration.
    /// </summary>
    public string SessionTerms { get; set; } = "auto";

    /// <summary>Pinned links only (terms from the configuration): the session's price, VPN base units per MiB (decimal).</summary>
    public string PricePerMiB { get; set; } = "0";

    /// <summary>Pinned links only (terms from the configuration), client: the provider's Ethereum address, which signs the checkpoints.</summary>
    public string? ProviderAddress { get; set; }

    /// <summary>
    /// Testing only: the client meters and checks every epoch but never sends the voucher, as a client that stopped
    /// paying would; the provider cuts it off after <see cref="VoucherGrace"/>.
    /// </summary>
    public bool WithholdVouchers { get; set; }

    /// <summary>The spool's SQLite file.</summary>
    public string SpoolPath { get; set; } = "metering-spool.db";

    /// <summary>How long one publication may wait for the broker's confirmation (default 15 s).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The first retry delay after a failed publication; doubled per failure up to <see cref="MaxRetryDelay"/> (default 500 ms).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest retry delay (default 30 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a published batch waits for the collector's acknowledgement before it is published again (default 60 s);
    /// doubled per publication up to <see cref="MaxAcknowledgementTimeout"/>.
    /// </summary>
    public TimeSpan AcknowledgementTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait for an acknowledgement between publications (default 1 h).</summary>
    public TimeSpan MaxAcknowledgementTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The queue where the collector's acknowledgements come back to this gateway (durable); default
    /// <c>evidence-acks-&lt;spool id&gt;</c>, stable across restarts on the same spool.
    /// </summary>
    public string? AcknowledgementQueue { get; set; }

    /// <summary>Capture settings.</summary>
    public CaptureOptions Capture { get; set; } = new();

    /// <summary>Flow timeouts and table size.</summary>
    public FlowTableOptions Flows { get; set; } = new();
}
