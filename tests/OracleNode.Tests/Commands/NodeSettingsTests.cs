using Microsoft.Extensions.Configuration;
using Oracle.Hosting;
using OracleNode.Hosting;

namespace OracleNode.Tests.Commands;

public sealed class NodeSettingsTests
{
    [Theory]
    [InlineData("Voting:InvertVotesForTesting", "true")]
    [InlineData("Voting:CrashAfterForTesting", "journal")]
    [InlineData("Randomness:VrfKeystore", "/etc/oracle-node/vrf.json")]
    public void CheckChain_TestSwitchOnAPublicChain_Refused(string key, string value)
    {
        var settings = NodeSettings.Load(Configuration((key, value)));

        settings.CheckChain(31337);
        var error = Assert.Throws<ConfigurationException>(() => settings.CheckChain(10));
        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Node:TickInterval", "00:00:00", "Node:TickInterval")]
    [InlineData("Node:Parallelism", "0", "Node:Parallelism")]
    [InlineData("Evidence:Collectors:0", "ftp://collector", "Evidence:Collectors:0")]
    [InlineData("Prices:Enabled", "true", "Prices:VpnEth:Sources")]
    [InlineData("Prices:MaxSourceSpreadBps", "20000", "Prices:MaxSourceSpreadBps")]
    [InlineData("Keeper:Slott", "00:00:01", "Slott")]
    [InlineData("Randomness:VrfKey", "/tmp/vrf.json", "VrfKey")]
    public void Load_WrongSetting_NamesIt(string key, string value, string named)
    {
        var error = Assert.Throws<ConfigurationException>(() => NodeSettings.Load(Configuration((key, value))));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PriceSourceWithFileAndUrl_Refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => NodeSettings.Load(Configuration(
            ("Prices:VpnEth:Sources:0:File", "/tmp/p"), ("Prices:VpnEth:Sources:0:Url", "https://prices.example/vpn"))));

        Assert.Contains("exactly one of File and Url", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
