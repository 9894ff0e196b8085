using System.Diagnostics.Metrics;

namespace Arbitration.Api;

/// <summary>The API's own metrics (exported at <c>/metrics</c> with the <c>oracle_arbitration_</c> prefix).</summary>
internal sealed class ArbitrationMetrics : IDisposable
{
    public const string MeterName = "Oracle.Arbitration";

    private readonly Meter _meter = new(MeterName);

    public ArbitrationMetrics()
    {
        Filings = _meter.CreateCounter<long>("oracle_arbitration_filings", description: "Filings answered, by outcome (filed, repeated, or the problem type)");
        RelayGasWei = _meter.CreateCounter<double>("oracle_arbitration_relay_gas_wei", description: "Wei the relayer paid for gas");
        IndexedEvents = _meter.CreateCounter<long>("oracle_arbitration_indexed_events", description: "Contract events projected into the read model");
        Rollbacks = _meter.CreateCounter<long>("oracle_arbitration_read_model_rollbacks", description: "Reorganizations rolled back");
        _meter.CreateObservableGauge("oracle_arbitration_read_model_block", () => HeadBlock, description: "The last block the read model applied");
        _meter.CreateObservableGauge("oracle_arbitration_relayer_balance_wei", () => RelayerBalanceWei, description: "The relayer's ETH balance");
        _meter.CreateObservableGauge("oracle_arbitration_relayer_balance_low", () => RelayerBalanceLow ? 1 : 0, description: "1 when the relayer's balance is below Relayer:MinimumBalanceWei");
    }

    public Counter<long> Filings { get; }

    public Counter<double> RelayGasWei { get; }

    public Counter<long> IndexedEvents { get; }

    public Counter<long> Rollbacks { get; }

    public long HeadBlock { get; set; }

    public double RelayerBalanceWei { get; set; }

    public bool RelayerBalanceLow { get; set; }

    public void Dispose() => _meter.Dispose();
}
