using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using VpnGateway.Hosting;
using VpnGateway.Sessions;
using VpnGateway.Settlement;

namespace VpnGateway.Tests.Settlement;

public sealed class SettlementConfigurationTests
{
    [Fact]
    public void Schema_SettlementKeys_KnownAndAMisspeltOneRefused()
    {
        var good = Configuration(("Settlement:Threshold", "5"), ("Settlement:Interval", "00:00:05"), ("Settlement:CooperativeCloseWait", "00:00:03"));
        var misspelt = Configuration(("Settlement:Treshold", "5"));

        Assert.Empty(GatewayConfigurationSchema.Create().Check(good));
        var problem = Assert.Single(GatewayConfigurationSchema.Create().Check(misspelt));
        Assert.Contains("Settlement:Threshold", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Settlement:Threshold", "1.5")]
    [InlineData("Settlement:Threshold", "-1")]
    [InlineData("Settlement:Interval", "00:00:00")]
    public void AddSettlement_BadValue_RefusedAtStartWithTheKey(string key, string value)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new(key, value)]);

        var e = Assert.Throws<GatewayConfigurationException>(() => builder.AddSettlement(GatewayRole.Provider, chain: null));
        Assert.Contains("Settlement", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSettlement_NoChain_NotAddedAndSaysWhy()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        var (added, reason) = builder.AddSettlement(GatewayRole.Provider, chain: null);

        Assert.False(added);
        Assert.Contains("Chain:Keystore", reason, StringComparison.Ordinal);
    }

    private static IConfigurationRoot Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
