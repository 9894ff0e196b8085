using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Disputes;
using Oracle.Actions.Units;
using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Core.Proofs;

namespace Oracle.Devnet.Scenario;

public static partial class MainJobSteps
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    // The exit provider files ClientBreachedPolicy through the Arbitration API (gasless: it signs the filing and a
    // permit of the fee; the API's relayer sends fileFor) with the record proof of the denied SMB flow: the contract
    // verifies it (the record's header, its inclusion under the root alice's voucher signed) and decides the claim at
    // filing, so the penalty comes out of alice's deposit without a vote (docs/protocol.md §7.4).
    private static async Task ProviderDisputeAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var sessionId = world.Facts.ExitSession ?? throw new ScenarioStepException("no exit session");
        var provider = world.Actor(ExitProvider);
        var evidenceKey = EvidenceKeyOf(Path.Combine(world.Folder, "exit", "metering-spool.db"), sessionId);
        var (proof, record, anchor) = await FindDeniedRecordAsync(world, sessionId, evidenceKey, cancellationToken);
        world.Facts.DeniedLeaf = proof.LeafIndex;
        world.Facts.DeniedRule = record.RuleId;
        world.Facts.DeniedRecordProof = proof;
        world.Reporter.Detail($"leaf {proof.LeafIndex} of session {sessionId}'s log: {record} — co-signed by alice's voucher at log size {proof.Voucher!.LogSize}, "
            + $"anchored by the collector at global log size {anchor.TreeSize} (block {anchor.BlockNumber})");

        // Alice stays connected: a claim against the client needs her session open (her deposit pays the penalty); her
        // gateway disconnects after the disputes, and the provider's gateway then closes the session (step 11).
        var bundle = await PostEvidenceAsync(world, new JsonObject
        {
            ["name"] = "SMB from the client to the provider's LAN",
            ["description"] = $"Session {sessionId}: the client opened TCP port {record.DestinationPort} on {record.Destination}, denied by {PolicyDecision.Describe(record.RuleId)} of the agreed policy; the record proof is filed with the claim.",
            ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);
        var recordProof = new RecordProof
        {
            Leaf = proof.Opened,
            LeafIndex = proof.LeafIndex,
            AuditPath = [.. proof.AuditPath],
            Voucher = new Voucher
            {
                SessionId = sessionId,
                CumulativeAmount = BigInteger.Parse(proof.Voucher.CumulativeAmount, CultureInfo.InvariantCulture),
                CumulativeBytes = proof.Voucher.CumulativeBytes,
                LogSize = proof.Voucher.LogSize,
                LogRoot = proof.Voucher.LogRoot,
            },
            Signature = Convert.FromHexString(proof.Voucher.Signature.StartsWith("0x", StringComparison.Ordinal) ? proof.Voucher.Signature[2..] : proof.Voucher.Signature),
        };
        var disputeId = await FileThroughApiAsync(world, provider, sessionId, ClaimType.ClientBreachedPolicy, record.RuleId, bundle, recordProof, cancellationToken);
        world.Facts.ProviderDisputeId = disputeId;
        var filed = await DisputeActions.ShowAsync(provider.Actions, disputeId, cancellationToken);
        var view = filed.GetValueOrThrow();
        world.Reporter.Detail($"dispute {disputeId} filed by the API's relayer for the exit provider: {view.ClaimType}, {PolicyDecision.Describe(view.RuleId)}, record proof verified on-chain: {view.EvidenceVerified}, ruling {view.Ruling}");
        if (!view.EvidenceVerified || view.Ruling != Ruling.Upheld)
        {
            throw new ScenarioStepException($"dispute {disputeId}: the record proof was not verified at filing (verified {view.EvidenceVerified}, ruling {view.Ruling})");
        }

        var executed = await WaitForRulingAsync(world, disputeId, provider, cancellationToken);
        world.Reporter.Detail($"ruling executed: {(Ruling)executed.Ruling}, {Asset.Vpn.Amount(executed.Penalty)} penalty from alice's deposit to the exit provider");
        var claimed = (await DisputeActions.ClaimAsync(provider.Actions, null, cancellationToken)).GetValueOrThrow();
        world.Reporter.Detail($"the exit provider withdrew {claimed.Withdrawn} the ruling credited it");
    }

    // Alice disputes the block as withheld service (ProviderWithheldService on the denying rule). The claim is not a
    // record proof, so a committee of three is drawn from the five staked oracles; they commit and reveal; the majority
    // rules, the loser's stake goes to the winner and the round's fees to the majority's seats.
    private static async Task CommitteeDisputeAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var sessionId = world.Facts.ExitSession ?? throw new ScenarioStepException("no exit session");
        var alice = world.Actor(Alice);
        var provider = world.Actor(ExitProvider);
        var rule = world.Facts.DeniedRule ?? throw new ScenarioStepException("no denied record");
        var bundle = await PostEvidenceAsync(world, new JsonObject
        {
            ["name"] = "My SMB connection was blocked",
            ["description"] = $"Session {sessionId}: the provider's gateway dropped my connection to port 445 ({PolicyDecision.Describe(rule)}); I say the policy let it through.",
            ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);
        var disputeId = await FileThroughApiAsync(world, alice, sessionId, ClaimType.ProviderWithheldService, rule, bundle, null, cancellationToken);
        world.Facts.CommitteeDisputeId = disputeId;
        world.Reporter.Detail($"dispute {disputeId} filed by the API's relayer for alice: ProviderWithheldService, {PolicyDecision.Describe(rule)}; randomness requested");

        var manager = world.Network.Manifest!.AddressOf(ContractNames.DisputeManager);
        var drawn = await WaitForEventAsync<CommitteeDrawnEvent>(world, manager, e => e.DisputeId == disputeId, TimeSpan.FromSeconds(60),
            "the committee was not drawn (an oracle node answers the VRF request with its randomness duty, then one sends draw; see the oracle nodes' logs)", cancellationToken);
        var committee = drawn.Committee.Select(a => a.ToLowerInvariant()).Distinct().ToList();
        world.Reporter.Detail($"committee drawn: {string.Join(", ", drawn.Committee.Select(a => world.NameOf(a)))}");

        // The evidence cutoff is half the commit period before its deadline; the nodes judge after it and commit.
        var cutoff = drawn.CommitDeadline - (ulong)Parameters.CommitPeriod.TotalSeconds / 2;
        await world.AdvanceClockToAsync(cutoff + 1, cancellationToken);
        world.Reporter.Detail("the chain's clock moved past the evidence cutoff");
        await WaitForCountAsync<VoteCommittedEvent>(world, manager, e => e.DisputeId == disputeId, committee.Count, TimeSpan.FromSeconds(90),
            "commitments", cancellationToken);
        world.Reporter.Detail($"{committee.Count} oracle(s) committed their votes");
        await world.AdvanceClockToAsync(drawn.CommitDeadline + 1, cancellationToken);
        var reveals = await WaitForCountAsync<VoteRevealedEvent>(world, manager, e => e.DisputeId == disputeId, committee.Count, TimeSpan.FromSeconds(90),
            "reveals", cancellationToken);
        world.Reporter.Detail($"votes revealed: {string.Join(", ", reveals.Select(r => $"{world.NameOf(r.Juror)} {(Ruling)r.Vote}"))}");
        await world.AdvanceClockToAsync(drawn.AppealDeadline + 1, cancellationToken);
        var executed = await WaitForRulingAsync(world, disputeId, provider, cancellationToken);
        world.Reporter.Detail($"ruling executed: {(Ruling)executed.Ruling}; {world.NameOf(executed.Winner)} wins {Asset.Vpn.Amount(executed.Stakes)} stake");
        if ((Ruling)executed.Ruling != Ruling.Rejected)
        {
            throw new ScenarioStepException($"dispute {disputeId}: the committee ruled {(Ruling)executed.Ruling}; the provider's policy denies SMB, so honest oracles reject the claim");
        }

        var rewards = await WaitForCountAsync<RewardClaimedEvent>(world, manager, e => e.DisputeId == disputeId, 1, TimeSpan.FromSeconds(60),
            "juror rewards claimed by the oracle nodes", cancellationToken);
        world.Reporter.Detail($"the majority's rewards: {string.Join(", ", rewards.Select(r => $"{world.NameOf(r.Juror)} {Asset.Vpn.Amount(r.Amount)}"))}");
        var claimed = (await DisputeActions.ClaimAsync(provider.Actions, null, cancellationToken)).GetValueOrThrow();
        world.Reporter.Detail($"the exit provider withdrew {claimed.Withdrawn} (alice's stake)");
    }

    // The session's evidence key, as the provider's gateway keeps it in its spool (a party discloses it in a dispute).
    private static byte[] EvidenceKeyOf(string spool, ulong sessionId)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = spool, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM evidence_keys WHERE session_id = $session";
        command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
        return command.ExecuteScalar() as byte[] ?? throw new ScenarioStepException($"the exit provider's spool {spool} holds no evidence key of session {sessionId}");
    }

    /// <summary>A denied record of a session with its proof as the collector serves it, opened with the session's key.</summary>
    public sealed record DeniedRecordProof(ulong LeafIndex, byte[] Opened, byte[] LeafHash, IReadOnlyList<byte[]> AuditPath, SignedCheckpoint Checkpoint, SignedVoucher? Voucher);

    // Reads the session's log from the collector, opens each record with the evidence key and returns the first denied
    // outbound one whose checkpoint alice vouched for and the collector anchored on-chain.
    private static async Task<(DeniedRecordProof Proof, FlowRecord Record, LogAnchorView Anchor)> FindDeniedRecordAsync(ScenarioWorld world, ulong sessionId,
        byte[] evidenceKey, CancellationToken cancellationToken)
    {
        var collector = world.Collector!.Url;
        var manifest = world.Network.Manifest!;
        using var sealer = new RecordSealer(evidenceKey, manifest.ChainId, manifest.AddressOf(ContractNames.SessionManager), sessionId);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var denied = new SortedSet<ulong>();
        ulong scanned = 0;
        var last = "the collector has no records of the session yet";
        while (DateTime.UtcNow < deadline)
        {
            using var session = await Http.GetAsync(new Uri($"{collector}/v1/sessions/{sessionId}"), cancellationToken);
            if (session.IsSuccessStatusCode)
            {
                var treeSize = (await session.Content.ReadFromJsonAsync<JsonElement>(Web, cancellationToken)).GetProperty("treeSize").GetUInt64();
                for (; scanned < treeSize; scanned++)
                {
                    var proof = await RecordProofAsync(collector, sessionId, scanned, cancellationToken);
                    var opening = sealer.Open(scanned, proof.LeafHash, proof.SealedRecord);
                    if (!opening.IsOpened)
                    {
                        throw new ScenarioStepException($"leaf {scanned} of session {sessionId} does not open with the provider's evidence key: {opening.Detail}");
                    }

                    if (opening.Record.Verdict == FlowVerdict.Denied && opening.Record.Direction == TrafficDirection.Outbound && opening.Record.DestinationPort == 445)
                    {
                        denied.Add(scanned);
                    }
                }

                foreach (var leaf in denied)
                {
                    var proof = await RecordProofAsync(collector, sessionId, leaf, cancellationToken);
                    if (proof.Voucher is null)
                    {
                        last = $"leaf {leaf} (denied) is not under a checkpoint alice vouched for yet";
                        continue;
                    }

                    var anchor = await AnchorCoveringAsync(collector, sessionId, proof.Checkpoint.TreeSize, cancellationToken);
                    if (anchor is null)
                    {
                        last = $"leaf {leaf} (denied) is vouched for but its checkpoint is not anchored yet";
                        continue;
                    }

                    var opening = sealer.Open(leaf, proof.LeafHash, proof.SealedRecord);
                    return (new DeniedRecordProof(leaf, opening.Encoded!, proof.LeafHash, proof.InclusionProof, proof.Checkpoint, proof.Voucher), opening.Record, anchor);
                }

                last = denied.Count == 0 ? $"no denied SMB record among the session's {treeSize} records yet" : last;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new ScenarioStepException($"the denied SMB flow was not collected, vouched for and anchored within 60 s: {last}");
    }

    private static async Task<SessionRecordProof> RecordProofAsync(string collector, ulong sessionId, ulong leaf, CancellationToken cancellationToken)
        => await Http.GetFromJsonAsync<SessionRecordProof>(new Uri($"{collector}/v1/sessions/{sessionId}/records/{leaf}"), Web, cancellationToken)
            ?? throw new ScenarioStepException($"the collector served no proof of leaf {leaf}");

    /// <summary>An anchor of the collector's global log (the collector's <c>/v1/log/anchors</c>).</summary>
    public sealed record LogAnchorView(ulong TreeSize, ulong BlockNumber, string TransactionHash);

    // The first on-chain anchor whose log covers the session checkpoint of tree size treeSize.
    private static async Task<LogAnchorView?> AnchorCoveringAsync(string collector, ulong sessionId, ulong treeSize, CancellationToken cancellationToken)
    {
        var checkpoints = await Http.GetFromJsonAsync<JsonElement>(new Uri($"{collector}/v1/sessions/{sessionId}/checkpoints"), Web, cancellationToken);
        var logIndex = checkpoints.EnumerateArray()
            .Where(c => c.GetProperty("checkpoint").GetProperty("treeSize").GetUInt64() == treeSize)
            .Select(c => c.GetProperty("logIndex"))
            .FirstOrDefault(i => i.ValueKind == JsonValueKind.Number);
        if (logIndex.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var anchors = await Http.GetFromJsonAsync<List<LogAnchorView>>(new Uri($"{collector}/v1/log/anchors"), Web, cancellationToken) ?? [];
        return anchors.OrderBy(a => a.TreeSize).FirstOrDefault(a => a.TreeSize > logIndex.GetUInt64());
    }

    // POST /evidence: the API stores the bundle and returns its hash and URI (retried while its read model catches up).
    private static async Task<(string Hash, string Uri)> PostEvidenceAsync(ScenarioWorld world, JsonObject bundle, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await Http.PostAsync(new Uri($"{world.Api!.Url}/evidence"), JsonContent.Create(bundle), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var posted = JsonSerializer.Deserialize<JsonElement>(body);
                return (posted.GetProperty("hash").GetString()!, posted.GetProperty("uri").GetString()!);
            }

            if (response.StatusCode != HttpStatusCode.NotFound || DateTime.UtcNow > deadline)
            {
                throw new ScenarioStepException($"POST /evidence answered {(int)response.StatusCode}: {body}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    // A party signs its Filing (EIP-712, DisputeManager's domain) and a permit of the fee and stake (VpnToken's domain);
    // the API relays it with fileFor and answers with the dispute's id.
    private static async Task<ulong> FileThroughApiAsync(ScenarioWorld world, ScenarioActor filer, ulong sessionId, ClaimType claim, uint rule,
        (string Hash, string Uri) evidence, RecordProof? proof, CancellationToken cancellationToken)
    {
        var manifest = world.Network.Manifest!;
        var web3 = ChainConnection.ReadOnly(world.Network.Chain.RpcUrl);
        var managerAddress = manifest.AddressOf(ContractNames.DisputeManager);
        var manager = new DisputeManagerService(web3, managerAddress);
        var token = new VpnTokenService(web3, manifest.AddressOf(ContractNames.VpnToken));
        var deadline = await world.ChainTimeAsync(cancellationToken) + 3600;
        var filing = new Filing
        {
            SessionId = sessionId,
            ClaimType = (byte)claim,
            RuleId = rule,
            EvidenceHash = Convert.FromHexString(evidence.Hash[2..]),
            EvidenceUri = evidence.Uri,
            ProofHash = RecordProof.Hash(proof),
            Nonce = await manager.NoncesQueryAsync(filer.Address, null, cancellationToken),
            Deadline = deadline,
        };
        var signature = TypedDataSigner.Sign(filing, TypedDataDomain.DisputeManager(manifest.ChainId, managerAddress), filer.Key);
        var cost = await manager.FeePerSeatQueryAsync(null, cancellationToken) * 3 + await manager.StakePerRoundQueryAsync(null, cancellationToken);
        var permit = new Permit
        {
            Owner = filer.Address,
            Spender = managerAddress,
            Value = cost,
            Nonce = await token.NoncesQueryAsync(filer.Address, null, cancellationToken),
            Deadline = deadline,
        };
        var permitSignature = TypedDataSigner.Sign(permit, TypedDataDomain.VpnToken(manifest.ChainId, manifest.AddressOf(ContractNames.VpnToken)), filer.Key);
        var body = new JsonObject
        {
            ["filer"] = filer.Address,
            ["filing"] = new JsonObject
            {
                ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
                ["claimType"] = claim.ToString(),
                ["ruleId"] = rule,
                ["evidenceHash"] = evidence.Hash,
                ["evidenceUri"] = evidence.Uri,
                ["nonce"] = filing.Nonce.ToString(CultureInfo.InvariantCulture),
                ["deadline"] = deadline,
            },
            ["signature"] = signature,
            ["permit"] = new JsonObject
            {
                ["value"] = cost.ToString(CultureInfo.InvariantCulture),
                ["deadline"] = deadline,
                ["signature"] = permitSignature,
            },
        };
        if (proof is not null)
        {
            body["proof"] = new JsonObject
            {
                ["leaf"] = Hex(proof.Leaf),
                ["leafIndex"] = proof.LeafIndex,
                ["auditPath"] = new JsonArray([.. proof.AuditPath.Select(p => (JsonNode)Hex(p))]),
                ["voucher"] = new JsonObject
                {
                    ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
                    ["cumulativeAmount"] = proof.Voucher.CumulativeAmount.ToString(CultureInfo.InvariantCulture),
                    ["cumulativeBytes"] = proof.Voucher.CumulativeBytes,
                    ["logSize"] = proof.Voucher.LogSize,
                    ["logRoot"] = Hex(proof.Voucher.LogRoot),
                },
                ["signature"] = Hex(proof.Signature),
            };
        }

        using var response = await Http.PostAsync(new Uri($"{world.Api!.Url}/disputes"), JsonContent.Create(body), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ScenarioStepException($"POST /disputes answered {(int)response.StatusCode}: {text}");
        }

        return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("disputeId") is { ValueKind: JsonValueKind.String } s
            ? ulong.Parse(s.GetString()!, CultureInfo.InvariantCulture)
            : JsonSerializer.Deserialize<JsonElement>(text).GetProperty("disputeId").GetUInt64();
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    // RulingExecuted of the dispute: an oracle node's keeper executes it when due; after 20 s the provider does.
    private static async Task<RulingExecutedEvent> WaitForRulingAsync(ScenarioWorld world, ulong disputeId, ScenarioActor fallback, CancellationToken cancellationToken)
    {
        var manager = world.Network.Manifest!.AddressOf(ContractNames.DisputeManager);
        try
        {
            return await WaitForEventAsync<RulingExecutedEvent>(world, manager, e => e.DisputeId == disputeId, TimeSpan.FromSeconds(20), "", cancellationToken);
        }
        catch (ScenarioStepException)
        {
            world.Reporter.Detail($"no keeper executed dispute {disputeId}'s ruling within 20 s: the provider executes it");
            (await DisputeActions.ExecuteAsync(fallback.Actions, disputeId, cancellationToken)).GetValueOrThrow();
            return await WaitForEventAsync<RulingExecutedEvent>(world, manager, e => e.DisputeId == disputeId, TimeSpan.FromSeconds(10), "the ruling was not executed", cancellationToken);
        }
    }

    private static async Task<T> WaitForEventAsync<T>(ScenarioWorld world, string contract, Func<T, bool> match, TimeSpan timeout, string failure,
        CancellationToken cancellationToken) where T : IEventDTO, new()
        => (await WaitForCountAsync(world, contract, match, 1, timeout, failure, cancellationToken))[0];

    private static async Task<IReadOnlyList<T>> WaitForCountAsync<T>(ScenarioWorld world, string contract, Func<T, bool> match, int count, TimeSpan timeout,
        string what, CancellationToken cancellationToken) where T : IEventDTO, new()
    {
        var web3 = ChainConnection.ReadOnly(world.Network.Chain.RpcUrl);
        var handler = web3.Eth.GetEvent<T>(contract);
        var filter = handler.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest());
        var deadline = DateTime.UtcNow + timeout;
        var found = new List<T>();
        while (DateTime.UtcNow < deadline)
        {
            found = [.. (await handler.GetAllChangesAsync(filter).WaitAsync(cancellationToken)).Select(e => e.Event).Where(match)];
            if (found.Count >= count)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new ScenarioStepException(string.Create(CultureInfo.InvariantCulture, $"{what}: {found.Count} of {count} within {timeout.TotalSeconds:0} s; see the oracle nodes' logs"));
    }
}
