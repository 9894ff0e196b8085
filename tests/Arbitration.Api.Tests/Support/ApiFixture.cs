namespace Arbitration.Api.Tests.Support;

/// <summary>One API instance (and its environment) shared by the tests of a class, on the process's chain scenario.</summary>
public class ApiFixture : IAsyncLifetime
{
    private ApiEnvironment? _environment;
    private ApiHost? _host;
    private ChainScenario? _scenario;

    internal ApiHost Host => _host ?? throw new InvalidOperationException("not started");

    internal ChainScenario Scenario => _scenario ?? throw new InvalidOperationException("not started");

    /// <summary>Settings the class's API starts with besides the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?>
    {
        // The tests file many disputes from one address (the scenario's actors): lift the per-client rate limits.
        ["Api:FilingsPerMinute"] = "10000",
        ["Api:EvidencePerMinute"] = "10000",
    };

    public async Task InitializeAsync()
    {
        _scenario = await ChainScenario.GetAsync();
        _environment = await ApiEnvironment.CreateAsync(Overrides);
        _host = await ApiHost.StartAsync(_environment);
    }

    /// <summary>Brings the read model up to the chain's head.</summary>
    internal Task SyncAsync() => ReadModelSync.CatchUpAsync(Host);

    /// <summary>
    /// A new provider and a new client holding 500 VPN, with a session open between them that the read model has seen:
    /// where most filing tests start.
    /// </summary>
    internal async Task<(Actor Client, Actor Provider, ulong SessionId)> OpenSyncedSessionAsync()
    {
        var provider = await Scenario.NewProviderAsync();
        var client = await Scenario.NewActorAsync(vpn: 500);
        var (sessionId, _) = await Scenario.OpenSessionAsync(client, provider);
        await SyncAsync();
        return (client, provider, sessionId);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}
