using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Disputes;
using Oracle.Actions.Keys;
using Oracle.Actions.Sessions;
using Oracle.Actions.Units;
using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Chain.Model;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Proofs;
using Oracle.Devnet.Runtime;
using Oracle.Devnet.Scenario;
using Oracle.Testing;
using Xunit.Abstractions;

namespace Oracle.Devnet.Tests;

/// <summary>
/// The end-to-end test of the main job (`./oracle up --exit`): the whole scenario is played, then its outcome is read
/// back from the chain and the services — not from what the job printed.
/// </summary>
public sealed class MainJobScenarioTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Play_WholeScenario_ChainAndServicesRecordRulingsPaymentsStakesAnchorsAndProofs()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"devnet-play-{Guid.NewGuid():N}");
        var logs = Path.Combine(Path.GetTempPath(), $"devnet-play-logs-{Guid.NewGuid():N}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var job = await MainJob.PlayAsync(new MainJobOptions { DataDirectory = dir, Repository = RepositoryLayout.Find(), FailureLogsDirectory = logs },
            new Reporter(output), timeout.Token);
        IReadOnlyList<StartedProcess> processes;
        IReadOnlyList<string> namespaces;
        try
        {
            var world = job.World;
            var facts = job.Facts;
            processes = world.Network.State.Processes;
            namespaces = world.Network.State.Namespaces;
            var manifest = world.Network.Manifest!;
            var web3 = ChainConnection.ReadOnly(world.Network.Chain.RpcUrl);
            var alice = world.Actor(MainJobSteps.Alice);
            var exitProvider = world.Actor(MainJobSteps.ExitProvider);
            var siteProvider = world.Actor(MainJobSteps.SiteProvider);
            var exitSession = facts.ExitSession!.Value;
            var siteSession = facts.SiteSession!.Value;

            // Rulings: the provider's record proof decided its claim at filing; alice's claim went to a drawn committee
            // of three, which rejected it unanimously.
            var upheld = (await DisputeActions.ShowAsync(alice.Actions, facts.ProviderDisputeId!.Value)).GetValueOrThrow();
            Assert.Equal((ClaimType.ClientBreachedPolicy, Ruling.Upheld, true), (upheld.ClaimType, upheld.Ruling, upheld.EvidenceVerified));
            Assert.Equal(Asset.Vpn.Parse("5", "penalty"), upheld.Penalty);
            var rejected = (await DisputeActions.ShowAsync(alice.Actions, facts.CommitteeDisputeId!.Value)).GetValueOrThrow();
            Assert.Equal((ClaimType.ProviderWithheldService, Ruling.Rejected), (rejected.ClaimType, rejected.Ruling));
            var manager = manifest.AddressOf(ContractNames.DisputeManager);
            var drawn = await EventsAsync<CommitteeDrawnEvent>(web3, manager);
            var committee = drawn.Single(e => e.DisputeId == rejected.DisputeId).Committee;
            Assert.Equal(3, committee.Count);
            Assert.All(committee, juror => Assert.Contains(world.NameOf(juror), MainJobSteps.Oracles));
            var reveals = (await EventsAsync<VoteRevealedEvent>(web3, manager)).Where(e => e.DisputeId == rejected.DisputeId).ToList();
            Assert.Equal(3, reveals.Sum(r => r.Seats));
            Assert.All(reveals, r => Assert.Equal(Ruling.Rejected, (Ruling)r.Vote));

            // The drawing's randomness: the VRF requests were answered by the oracle nodes' randomness duty (the main
            // job has no duty of its own), every answer sent from an oracle's account.
            var coordinator = web3.Eth.GetEvent<Oracle.Chain.Contracts.LocalVrfCoordinator.RandomWordsFulfilledEvent>(manifest.AddressOf(ContractNames.VrfCoordinator));
            var answers = await coordinator.GetAllChangesAsync(coordinator.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()));
            Assert.NotEmpty(answers);
            var oracleAddresses = MainJobSteps.Oracles.Select(o => world.Actor(o).Address).ToList();
            foreach (var answer in answers)
            {
                Assert.True(answer.Event.Success, $"VRF request {answer.Event.RequestId} was answered but its consumer failed");
                var sent = await web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(answer.Log.TransactionHash);
                Assert.Contains(Checksum(sent.From), oracleAddresses);
            }

            // Stakes: every oracle keeps its 1,500 VPN (nobody voted against the majority); the round's fees (3 seats ×
            // 10 VPN) went to the committee's jurors.
            foreach (var oracle in MainJobSteps.Oracles)
            {
                var balances = (await KeyActions.BalancesAsync(alice.Actions, world.Actor(oracle).Address)).GetValueOrThrow();
                Assert.Equal(Asset.Vpn.Parse(MainJobSteps.OracleStake, "stake"), balances.OracleStake);
            }

            var rewards = (await EventsAsync<RewardClaimedEvent>(web3, manager)).Where(e => e.DisputeId == rejected.DisputeId).ToList();
            Assert.Equal(BigInteger.Parse("30000000000000000000"), rewards.Aggregate(BigInteger.Zero, (sum, r) => sum + r.Amount));
            Assert.All(rewards, r => Assert.Contains(r.Juror, committee, StringComparer.OrdinalIgnoreCase));

            // Payments: each session was closed by its provider with the client's latest voucher, which paid exactly its
            // amount; alice's deposit also paid the penalty; the rest went back to the clients.
            var sessions = new SessionManagerService(web3, manifest.AddressOf(ContractNames.SessionManager));
            var closedEvents = await EventsAsync<SessionClosedEvent>(web3, manifest.AddressOf(ContractNames.SessionManager));
            foreach (var (id, deposit, penalty) in new[] { (exitSession, "20", "5"), (siteSession, "10", "0") })
            {
                var view = (await SessionActions.ShowAsync(alice.Actions, id)).GetValueOrThrow();
                var voucher = facts.ClosingVouchers[id];
                Assert.Equal(SessionStatus.Closed, view.Status);
                Assert.NotNull(view.ClosedAt);
                var closed = closedEvents.Single(e => e.SessionId == id);
                Assert.Equal(voucher.CumulativeAmount, closed.PaidToProvider);
                Assert.Equal(Asset.Vpn.Parse(deposit, "deposit").BaseUnits - voucher.CumulativeAmount - Asset.Vpn.Parse(penalty, "penalty").BaseUnits, closed.RefundedToClient);
                Assert.True(voucher.CumulativeBytes > 0);
            }

            Assert.True(facts.ClosingVouchers[exitSession].CumulativeBytes >= (ulong)facts.IperfBytes, "the exit session's voucher covers iperf3's bytes");

            // The start and stop records: SessionOpened and SessionClosed on-chain, and the API's read model agrees.
            var opened = await EventsAsync<SessionOpenedEvent>(web3, manifest.AddressOf(ContractNames.SessionManager));
            Assert.Equal(
                [(exitSession, alice.Address, exitProvider.Address), (siteSession, world.Actor(MainJobSteps.Bob).Address, siteProvider.Address)],
                opened.Select(e => (e.SessionId, Checksum(e.Client), Checksum(e.Provider))).OrderBy(e => e.SessionId).ToList());
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var id in new[] { exitSession, siteSession })
            {
                var readModel = await EventuallyAsync(async () =>
                {
                    var session = await http.GetFromJsonAsync<JsonElement>(new Uri($"{world.Api!.Url}/sessions/{id}"), Web);
                    return session.GetProperty("closedAt").ValueKind == JsonValueKind.Number ? session : (JsonElement?)null;
                });
                Assert.Equal("closed", readModel.GetProperty("status").GetString(), StringComparer.OrdinalIgnoreCase);
            }

            // Anchors: the collector's global log is anchored on-chain, and the denied SMB record's proofs verify against
            // an anchor read from the EvidenceRegistry, never from the collector.
            var collector = world.Collector!.Url;
            var leaf = facts.DeniedLeaf!.Value;
            var proof = await http.GetFromJsonAsync<SessionRecordProof>(new Uri($"{collector}/v1/sessions/{exitSession}/records/{leaf}"), Web);
            var parties = new SessionLogParties(exitSession, TypedDataDomain.SessionManager(manifest.ChainId, manifest.AddressOf(ContractNames.SessionManager)),
                exitProvider.Address, alice.Address);
            Assert.True(proof!.Verify(parties).IsValid, proof.Verify(parties).Detail);
            Assert.NotNull(proof.Voucher);
            var evidenceKey = facts.DeniedRecordProof!;
            Assert.Equal(MerkleHash.Leaf(evidenceKey.Opened), proof.LeafHash);

            var log = await http.GetFromJsonAsync<JsonElement>(new Uri($"{collector}/v1/log"), Web);
            var logId = log.GetProperty("logId").GetBytesFromBase64();
            var anchors = await new AnchorReader(web3, manifest.AddressOf(ContractNames.EvidenceRegistry)).AnchorsAsync(logId);
            Assert.NotEmpty(anchors);
            var anchor = anchors[^1];
            var inclusion = await http.GetFromJsonAsync<CheckpointInclusionProof>(
                new Uri($"{collector}/v1/sessions/{exitSession}/checkpoints/{proof.Checkpoint.TreeSize}/inclusion?size={anchor.TreeSize}"), Web);
            var check = inclusion!.Verify(parties, new TreeHead(anchor.TreeSize, anchor.Root), out var checkpointLeaf);
            Assert.True(check.IsValid, check.Detail);
            Assert.Equal((proof.Checkpoint.TreeSize, Convert.ToHexString(proof.Checkpoint.Root)), (checkpointLeaf!.Checkpoint.TreeSize, Convert.ToHexString(checkpointLeaf.Checkpoint.Root)));
        }
        finally
        {
            await job.DisposeAsync();
        }

        // Everything it started is gone.
        Assert.All(processes, p => Assert.False(p.Process.IsAlive(), $"{p.Process.Name} still runs"));
        Assert.False(Directory.Exists(dir));
        var left = await Commands.RunAsync("ip", "netns", "list");
        Assert.All(namespaces, n => Assert.DoesNotContain(n, left.StandardOutput, StringComparison.Ordinal));
    }

    private static string Checksum(string address) => Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(address);

    private static async Task<List<T>> EventsAsync<T>(Nethereum.Web3.IWeb3 web3, string contract) where T : Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
    {
        var handler = web3.Eth.GetEvent<T>(contract);
        return [.. (await handler.GetAllChangesAsync(handler.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()))).Select(e => e.Event)];
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> read) where T : struct
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "the API's read model did not catch up within 30 s");
            await Task.Delay(500);
        }
    }

    private sealed class Reporter(ITestOutputHelper output) : IScenarioReporter
    {
        public void StepStarted(int number, int count, string title) => output.WriteLine($"{number}/{count} {title}");

        public void Detail(string line) => output.WriteLine("    " + line);

        public void StepFinished(TimeSpan elapsed) => output.WriteLine($"    done in {elapsed.TotalSeconds:0.0} s");
    }
}
