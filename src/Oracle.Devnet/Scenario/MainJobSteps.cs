namespace Oracle.Devnet.Scenario;

/// <summary>
/// The main job, step by step (issue 14 part 3): each step acts as the network's users do — through the command line's
/// library, the services' HTTP APIs and the gateways as real processes — and checks its outcome, failing with what it
/// expected otherwise.
/// </summary>
public static partial class MainJobSteps
{
    /// <summary>One step: a title for the progress line and what it does.</summary>
    public sealed record Step(string Title, Func<ScenarioWorld, CancellationToken, Task> RunAsync);

    /// <summary>The steps, in order.</summary>
    public static IReadOnlyList<Step> All { get; } =
    [
        new("start the devnet: chain, PostgreSQL, RabbitMQ, the contracts, the scenario's network namespaces", StartNetworkAsync),
        new("the price feed: five oracle nodes stake and report prices", PriceFeedAsync),
        new("two users buy VPN at the exchange: alice pays in ETH, bob in wrapped BTC", FundUsersAsync),
        new("two providers register with the command line: an exit gateway and a site-to-site gateway for a company LAN", RegisterProvidersAsync),
        new("the providers' gateways serve, each in its own namespace", StartProviderGatewaysAsync),
        new("the evidence collector, the Arbitration API and its dashboard", StartServicesAsync),
        new("alice opens a session on-chain and connects through the exit: iperf3 and curl to the internet, vouchers paying", ExitSessionAsync),
        new("alice tries SMB on the exit provider's LAN: blocked, recorded, signed, collected, anchored", SmbAttemptAsync),
        new("the provider files a dispute through the API; oracles are drawn, commit, reveal; the ruling is executed", DisputeAsync),
        new("bob's site-to-site session reaches the company LAN and closes cooperatively", SiteSessionAsync),
    ];
}
