using Microsoft.Extensions.Configuration;
using VpnGateway.Hosting;

namespace VpnGateway.Tests.Hosting;

/// <summary>The configuration as the host binds it (JSON file and environment).</summary>
public sealed class GatewayConfigurationTests
{
    [Fact]
    public void ConnectRoutes_Configured_OnlyThoseRoutedIntoTheTunnel()
    {
        var configuration = Bind(new Dictionary<string, string?> { ["Connect:Routes:0"] = "198.18.3.0/24", ["Connect:Routes:1"] = "198.18.4.0/24" });

        Assert.Equal(["198.18.3.0/24", "198.18.4.0/24"], configuration.Connect.EffectiveRoutes);
    }

    [Fact]
    public void ConnectRoutes_NotConfigured_Everything()
    {
        var configuration = Bind(new Dictionary<string, string?> { ["Connect:SessionId"] = "7" });

        Assert.Equal(["0.0.0.0/0"], configuration.Connect.EffectiveRoutes);
    }

    [Fact]
    public void TunnelEndingSeconds_Default5Configurable()
    {
        Assert.Equal(5, Bind([]).Tunnel.EndingSeconds);
        Assert.Equal(2.5, Bind(new Dictionary<string, string?> { ["Tunnel:EndingSeconds"] = "2.5" }).Tunnel.EndingSeconds);
    }

    private static GatewayConfiguration Bind(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build().Get<GatewayConfiguration>() ?? new GatewayConfiguration();
}
