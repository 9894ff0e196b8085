using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Chain.Randomness;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// The devnet's randomness duty (docs/protocol.md §7.4) while the main job runs: answers the LocalVrfCoordinator's
/// requests with the run's VRF proving key (keys/vrf.json), so that dispute committees are drawn. The devnet passes the
/// key to its oracle node (<c>Randomness__VrfKeystore</c>), but the oracle node on this build does not perform the duty
/// yet; until it does, the main job performs it here, once a second, with a development key of its own (index 20; the deployer's funds the faucet).
/// </summary>
internal sealed class RandomnessDuty : IAsyncDisposable
{
    private const int DutyKey = 20;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RandomnessDuty(VrfFulfiller fulfiller, ulong fromBlock, IScenarioReporter reporter)
    {
        _loop = RunAsync(fulfiller, fromBlock, reporter, _stop.Token);
    }

    /// <summary>Requests answered so far.</summary>
    public int Answered { get; private set; }

    public static async Task<RandomnessDuty> StartAsync(LocalNetwork network, IScenarioReporter reporter, CancellationToken cancellationToken)
    {
        var manifest = network.Manifest ?? throw new ScenarioStepException("the devnet has no contracts");
        var key = KeyStoreFile.LoadVrfKeyWithPasswordFile(network.Keystore(LocalNetwork.VrfRole), network.PasswordFile);
        var web3 = await ChainConnection.ConnectAsync(network.Chain.RpcUrl, DevelopmentKeys.Key(DutyKey), cancellationToken);
        var fulfiller = new VrfFulfiller(web3, manifest.AddressOf(ContractNames.VrfCoordinator), key, manifest.AddressOf(ContractNames.RandomnessSource));
        return new RandomnessDuty(fulfiller, manifest.Contracts[ContractNames.VrfCoordinator].BlockNumber, reporter);
    }

    private async Task RunAsync(VrfFulfiller fulfiller, ulong fromBlock, IScenarioReporter reporter, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var pass = await fulfiller.FulfillPendingAsync(fromBlock, cancellationToken);
                fromBlock = pass.NextFromBlock;
                foreach (var request in pass.Answered)
                {
                    Answered++;
                    reporter.Detail($"randomness duty: answered VRF request {request.ToString().PadLeft(6)[..6]}…");
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The chain is busy or restarting: try again on the next pass.
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
