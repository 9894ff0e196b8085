using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using Nethereum.Hex.HexConvertors.Extensions;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.VpnToken;
using Voucher = Oracle.Chain.Contracts.Voucher;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.Vectors;

/// <summary>The contracts check tests/vectors/*.json: EIP-712 digests and signers, RFC 9162 roots and proofs.</summary>
[Collection(ChainCollection.Name)]
public sealed class Vectors_OnChain(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;

    public async Task InitializeAsync() => _network = await TestNetwork.DeployAsync(chain);

    public Task DisposeAsync() => Task.CompletedTask;

    private static string RepositoryFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Oracle.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "vectors", name);
            }
        }

        throw new InvalidOperationException("Oracle.sln not found");
    }

    /// <summary>Puts a deployed contract's runtime code at the vector's verifying contract address.</summary>
    private async Task CloneAsync(string from, string to)
    {
        var code = await chain.ReadOnly.Eth.GetCode.SendRequestAsync(from);
        await chain.RpcAsync<bool>("hardhat_setCode", to, code);
    }

    [Fact]
    public async Task Eip712Vectors_ContractsComputeTheSameDigestsAndSigners()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryFile("eip712.json")));
        var actor = await _network.NewActorAsync();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var m = item.GetProperty("message");
            var at = item.GetProperty("domain").GetProperty("verifyingContract").GetString()!;
            var digest = item.GetProperty("digest").GetString()!.HexToByteArray();
            var signature = item.GetProperty("signature").GetString()!.HexToByteArray();
            var signer = item.GetProperty("signer").GetString()!;
            switch (item.GetProperty("primaryType").GetString())
            {
                case "Voucher":
                    await CloneAsync(_network.AddressOf(ContractNames.SessionManager), at);
                    var sm = new SessionManagerService(actor.Web3, at);
                    var v = new Voucher { SessionId = U64(m, "sessionId"), CumulativeAmount = Big(m, "cumulativeAmount"), CumulativeBytes = U64(m, "cumulativeBytes"), LogSize = U64(m, "logSize"), LogRoot = Hex(m, "logRoot") };
                    Assert.Equal(digest, await sm.HashVoucherQueryAsync(v));
                    Assert.Equal(signer, await sm.VoucherSignerQueryAsync(v, signature), ignoreCase: true);
                    break;
                case "Checkpoint":
                    await CloneAsync(_network.AddressOf(ContractNames.SessionManager), at);
                    var sm2 = new SessionManagerService(actor.Web3, at);
                    var c = new Checkpoint { SessionId = U64(m, "sessionId"), TreeSize = U64(m, "treeSize"), Root = Hex(m, "root"), EpochTime = U64(m, "epochTime"), CaptureDrops = U64(m, "captureDrops") };
                    Assert.Equal(digest, await sm2.HashCheckpointQueryAsync(c));
                    Assert.Equal(signer, await sm2.CheckpointSignerQueryAsync(c, signature), ignoreCase: true);
                    break;
                case "Filing":
                    await CloneAsync(_network.AddressOf(ContractNames.DisputeManager), at);
                    var dm = new DisputeManagerService(actor.Web3, at);
                    var f = new Filing { SessionId = U64(m, "sessionId"), ClaimType = (byte)U64(m, "claimType"), RuleId = (uint)U64(m, "ruleId"), EvidenceHash = Hex(m, "evidenceHash"), EvidenceUri = m.GetProperty("evidenceUri").GetString()!, ProofHash = Hex(m, "proofHash"), PanelHash = Hex(m, "panelHash"), NonceValue = Big(m, "nonce"), Deadline = U64(m, "deadline") };
                    Assert.Equal(digest, await dm.HashFilingQueryAsync(f));
                    break;
                case "PanelAcceptance":
                    await CloneAsync(_network.AddressOf(ContractNames.SessionManager), at);
                    var sm3 = new SessionManagerService(actor.Web3, at);
                    var pa = new PanelAcceptance { Client = m.GetProperty("client").GetString()!, Penalty = Big(m, "penalty"), CommitteeSize = (byte)U64(m, "committeeSize"), PanelHash = Hex(m, "panelHash"), Deadline = U64(m, "deadline") };
                    Assert.Equal(digest, await sm3.HashPanelAcceptanceQueryAsync(pa));
                    break;
                case "Permit":
                    // The token accepts the vector's permit: its digest and signature are the token's own.
                    await CloneAsync(_network.AddressOf(ContractNames.VpnToken), at);
                    var token = new VpnTokenService(actor.Web3, at);
                    var owner = m.GetProperty("owner").GetString()!;
                    var spender = m.GetProperty("spender").GetString()!;
                    await token.PermitAsync(owner, spender, Big(m, "value"), Big(m, "deadline"), signature[64], signature[..32], signature[32..64]);
                    Assert.Equal(Big(m, "value"), await token.AllowanceQueryAsync(owner, spender));
                    break;
                case "EvidenceKey":
                    // The provider's commitment to a session's evidence key: checked by the client's gateway and by oracles, by
                    // no contract (Oracle.Core's vector tests and contracts' `npm run check-vectors` verify it).
                    break;
                case "TunnelAuthorization":
                    // Checked by the provider's gateway in the handshake, by no contract: Oracle.Core's vector tests and
                    // contracts' `npm run check-vectors` (ethers) verify it.
                    break;
                default:
                    Assert.Fail("unexpected type");
                    break;
            }
        }
    }

    [Fact]
    public async Task MerkleVectors_AnchoredRoots_ProofsVerifyOnChain()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryFile("merkle.json")));
        var collector = await _network.NewActorAsync(vpn: 1000);
        await TestNetwork.ApproveAsync(collector, _network.AddressOf(ContractNames.EvidenceRegistry), Vpn.Tokens(1000));
        await collector.Evidence.RegisterCollectorAsync(Vpn.Tokens(1000));
        var checkedProofs = 0;
        foreach (var t in doc.RootElement.EnumerateArray())
        {
            var leaves = t.GetProperty("leaves").EnumerateArray().Select(l => l.GetString()!.HexToByteArray()).ToList();
            var tree = new Oracle.Core.Merkle.MerkleTree();
            leaves.ForEach(l => tree.Append(l));
            var logId = SHA256.HashData(BitConverter.GetBytes(leaves.Count));
            // Anchor every size the vectors use, in growing order.
            var sizes = t.GetProperty("inclusion").EnumerateArray().Select(i => i.GetProperty("size").GetUInt64())
                .Concat(t.GetProperty("consistency").EnumerateArray().Select(c => c.GetProperty("size1").GetUInt64()))
                .Append((ulong)leaves.Count).Distinct().Order().ToList();
            foreach (var size in sizes)
            {
                await collector.Evidence.AnchorAsync(logId, size, tree.Root(size));
            }

            var anchors = await new AnchorReader(collector.Web3, _network.AddressOf(ContractNames.EvidenceRegistry)).AnchorsAsync(logId);
            Assert.Equal(t.GetProperty("root").GetString()!.HexToByteArray(), anchors[^1].Root);
            var proof = AnchorChain.Proof(anchors, 0);
            int At(ulong size) => sizes.IndexOf(size);
            foreach (var i in t.GetProperty("inclusion").EnumerateArray())
            {
                var index = i.GetProperty("index").GetUInt64();
                Assert.True(await collector.Evidence.VerifyInclusionQueryAsync(logId, proof, At(i.GetProperty("size").GetUInt64()), index, Oracle.Core.Merkle.MerkleHash.Leaf(leaves[(int)index]), Proof(i)));
                checkedProofs++;
            }

            foreach (var c in t.GetProperty("consistency").EnumerateArray())
            {
                var (size1, size2) = (c.GetProperty("size1").GetUInt64(), c.GetProperty("size2").GetUInt64());
                Assert.True(await collector.Evidence.VerifyConsistencyQueryAsync(logId, proof, At(size1), At(size2), Proof(c)));
                checkedProofs++;
            }
        }

        Assert.True(checkedProofs > 300);
    }

    private static List<byte[]> Proof(JsonElement e) => e.GetProperty("proof").EnumerateArray().Select(p => p.GetString()!.HexToByteArray()).ToList();

    private static ulong U64(JsonElement m, string name) => ulong.Parse(m.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static BigInteger Big(JsonElement m, string name) => BigInteger.Parse(m.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static byte[] Hex(JsonElement m, string name) => m.GetProperty(name).GetString()!.HexToByteArray();
}
