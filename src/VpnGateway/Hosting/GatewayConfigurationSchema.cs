using Oracle.Hosting;
using VpnGateway.Metering;
using VpnGateway.Settlement;

namespace VpnGateway.Hosting;

/// <summary>
/// Everything the gateway reads from its configuration: its own sections (<see cref="GatewayConfiguration"/>), the
/// shared <c>Chain</c> (with <c>Chain:Watcher</c> and <c>Chain:Transactions</c>), metering's <c>Metering</c>, settlement's
/// <c>Settlement</c>, the bus's
/// <c>Bus</c>, and the free-form <c>Logging</c>. Anything else in the operator's file or <c>VPNGATEWAY_</c> variables is
/// a mistake (a misspelt <c>Metering</c> would switch metering off), refused at start with the nearest valid key.
/// </summary>
internal static class GatewayConfigurationSchema
{
    public static ConfigurationSchema Create() => new ConfigurationSchema()
        .Add<GatewayConfiguration>()
        .Add<MeteringOptions>(MeteringOptions.Section)
        .Add<SettlementOptions>(SettlementOptions.Section)
        .AddOracleChain()
        .AddOracleBus()
        .AddFreeForm("Logging");
}
