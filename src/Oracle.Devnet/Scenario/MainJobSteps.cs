using Oracle.Chain.Deployment;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// The main job, step by step (issue 14 part 3): each step acts as the network's users do — through the command line's
/// library, the services' HTTP APIs and the gateways and oracle nodes as real processes — and checks its outcome,
/// failing with what it expected otherwise.
/// </summary>
public static partial class MainJobSteps
{
    /// <summary>One step: a title for the progress line and what it does.</summary>
    public sealed record Step(string Title, Func<ScenarioWorld, CancellationToken, Task> RunAsync);

    /// <summary>
    /// The devnet's parameters with dispute phases of two minutes (commit), one (reveal) and half a minute (appeal) instead of a
    /// day, so that a dispute is decided while the main job runs; the job moves the chain's clock past what would only
    /// be waiting.
    /// </summary>
    public static NetworkParameters Parameters { get; } = NetworkParameters.Devnet with
    {
        CommitPeriod = TimeSpan.FromSeconds(120),
        RevealPeriod = TimeSpan.FromSeconds(60),
        AppealPeriod = TimeSpan.FromSeconds(30),
        DrawingPeriod = TimeSpan.FromMinutes(10),
    };

    /// <summary>The steps, in order.</summary>
    public static IReadOnlyList<Step> All { get; } =
    [
        new("start the devnet: chain, PostgreSQL, RabbitMQ, the contracts, the scenario's network namespaces", StartNetworkAsync),
        new("the evidence collector, the Arbitration API and its dashboard", StartServicesAsync),
        new("five oracle nodes stake and report prices: the VPN/ETH and BTC/ETH feeds move", OracleNodesAsync),
        new("two users buy VPN at the exchange: alice pays in ETH, bob in wrapped BTC", FundUsersAsync),
        new("two providers register with the command line: an exit gateway and a site-to-site gateway for a company LAN", RegisterProvidersAsync),
        new("the providers' gateways serve, each in its own namespace", StartProviderGatewaysAsync),
        new("alice opens a session on-chain and connects through the exit: iperf3 and curl to the internet, vouchers paying", ExitSessionAsync),
        new("alice tries SMB on the exit provider's LAN: blocked, recorded, signed by both, collected, anchored", SmbAttemptAsync),
        new("the exit provider files a dispute through the API with the record proof: the contract verifies it and decides the claim at filing "
            + "(no vote); the penalty is paid from alice's deposit", ProviderDisputeAsync),
        new("alice's counter-claim through the API (withheld service, no proof to decide it): a committee of three seats is drawn from the "
            + "staked oracles; they commit and reveal; their vote rejects it and the majority is rewarded", CommitteeDisputeAsync),
        new("alice disconnects; the exit provider's gateway closes her session on-chain with her latest voucher", CloseExitSessionAsync),
        new("bob's site-to-site session reaches the company LAN; his provider's gateway closes it on-chain", SiteSessionAsync),
    ];
}
