using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Hex.HexConvertors.Extensions;
using Oracle.Core.Eip712;
using Oracle.Core.Merkle;

namespace Oracle.Core.Tests.Vectors;

public sealed class VectorFilesTests
{
    public static TheoryData<string> Files => new() { "eip712.json", "merkle.json" };

    [Theory]
    [MemberData(nameof(Files))]
    public void VectorFile_Regenerated_EqualsTheCheckedInFile(string name)
    {
        var generated = name == "eip712.json" ? TestVectors.Eip712Json() : TestVectors.MerkleJson();
        var path = TestVectors.PathOf(name);
        if (Environment.GetEnvironmentVariable("ORACLE_REGENERATE_VECTORS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.Equal(generated, File.ReadAllText(path));
    }

    [Fact]
    public void Eip712Vectors_DigestAndSigner_MatchCoreSigner()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestVectors.PathOf("eip712.json")));
        var seen = new HashSet<string>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var primary = item.GetProperty("primaryType").GetString()!;
            seen.Add(primary);
            var d = item.GetProperty("domain");
            var domain = new TypedDataDomain(d.GetProperty("name").GetString()!, d.GetProperty("version").GetString()!, d.GetProperty("chainId").GetInt64(), d.GetProperty("verifyingContract").GetString()!);
            var m = item.GetProperty("message");
            var digest = item.GetProperty("digest").GetString()!.HexToByteArray();
            var signature = item.GetProperty("signature").GetString()!;
            var signer = item.GetProperty("signer").GetString()!;
            switch (primary)
            {
                case "Voucher":
                    var v = new Voucher { SessionId = U64(m, "sessionId"), CumulativeAmount = Big(m, "cumulativeAmount"), CumulativeBytes = U64(m, "cumulativeBytes"), LogSize = U64(m, "logSize"), LogRoot = Hex(m, "logRoot") };
                    Assert.Equal(digest, TypedDataSigner.Hash(v, domain));
                    Assert.True(TypedDataSigner.Verify(v, domain, signature, signer));
                    break;
                case "Checkpoint":
                    var c = new Checkpoint { SessionId = U64(m, "sessionId"), TreeSize = U64(m, "treeSize"), Root = Hex(m, "root"), EpochTime = U64(m, "epochTime"), CaptureDrops = U64(m, "captureDrops") };
                    Assert.Equal(digest, TypedDataSigner.Hash(c, domain));
                    Assert.True(TypedDataSigner.Verify(c, domain, signature, signer));
                    break;
                case "Filing":
                    var f = new Filing { SessionId = U64(m, "sessionId"), ClaimType = (byte)U64(m, "claimType"), RuleId = (uint)U64(m, "ruleId"), EvidenceHash = Hex(m, "evidenceHash"), EvidenceUri = m.GetProperty("evidenceUri").GetString()!, ProofHash = Hex(m, "proofHash"), PanelHash = Hex(m, "panelHash"), Nonce = Big(m, "nonce"), Deadline = U64(m, "deadline") };
                    Assert.Equal(digest, TypedDataSigner.Hash(f, domain));
                    Assert.True(TypedDataSigner.Verify(f, domain, signature, signer));
                    // The proof the filing signs hashes to its proofHash.
                    var rp = item.GetProperty("recordProof");
                    var v2 = rp.GetProperty("voucher");
                    var proof = new RecordProof
                    {
                        Leaf = Hex(rp, "leaf"),
                        LeafIndex = U64(rp, "leafIndex"),
                        AuditPath = rp.GetProperty("auditPath").EnumerateArray().Select(h => h.GetString()!.HexToByteArray()).ToList(),
                        Voucher = new Voucher { SessionId = U64(v2, "sessionId"), CumulativeAmount = Big(v2, "cumulativeAmount"), CumulativeBytes = U64(v2, "cumulativeBytes"), LogSize = U64(v2, "logSize"), LogRoot = Hex(v2, "logRoot") },
                        Signature = Hex(rp, "signature"),
                    };
                    Assert.Equal(f.ProofHash, RecordProof.Hash(proof));
                    Assert.Equal(new byte[32], RecordProof.Hash(null));
                    break;
                case "PanelAcceptance":
                    var pa = new PanelAcceptance { Client = m.GetProperty("client").GetString()!, Penalty = Big(m, "penalty"), CommitteeSize = (byte)U64(m, "committeeSize"), PanelHash = Hex(m, "panelHash"), Deadline = U64(m, "deadline") };
                    Assert.Equal(digest, TypedDataSigner.Hash(pa, domain));
                    Assert.True(TypedDataSigner.Verify(pa, domain, signature, signer));
                    break;
                case "TunnelAuthorization":
                    var a = new TunnelAuthorization { SessionId = U64(m, "sessionId"), ClientTunnelKey = Hex(m, "clientTunnelKey"), ProviderTunnelKey = Hex(m, "providerTunnelKey"), NotAfter = U64(m, "notAfter") };
                    Assert.Equal(digest, TypedDataSigner.Hash(a, domain));
                    Assert.True(TypedDataSigner.Verify(a, domain, signature, signer));
                    break;
                case "EvidenceKey":
                    var k = new EvidenceKey { SessionId = U64(m, "sessionId"), KeyHash = Hex(m, "keyHash") };
                    Assert.Equal(digest, TypedDataSigner.Hash(k, domain));
                    Assert.True(TypedDataSigner.Verify(k, domain, signature, signer));
                    break;
                case "Permit":
                    var p = new TestVectors.Permit { Owner = m.GetProperty("owner").GetString()!, Spender = m.GetProperty("spender").GetString()!, Value = Big(m, "value"), Nonce = Big(m, "nonce"), Deadline = Big(m, "deadline") };
                    Assert.Equal(digest, Nethereum.ABI.EIP712.Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(p, TestVectors.PermitTypedData(domain)));
                    Assert.Equal(signer, new Nethereum.Signer.MessageSigner().EcRecover(digest, signature), ignoreCase: true);
                    break;
                default:
                    Assert.Fail($"unexpected primary type {primary}");
                    break;
            }
        }

        Assert.Equal(["Checkpoint", "EvidenceKey", "Filing", "PanelAcceptance", "Permit", "TunnelAuthorization", "Voucher"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MerkleVectors_RootsAndProofs_VerifyWithCoreProofs()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestVectors.PathOf("merkle.json")));
        var sizes = new List<int>();
        foreach (var t in doc.RootElement.EnumerateArray())
        {
            var leaves = t.GetProperty("leaves").EnumerateArray().Select(l => l.GetString()!.HexToByteArray()).ToList();
            sizes.Add(leaves.Count);
            var tree = new MerkleTree();
            leaves.ForEach(l => tree.Append(l));
            Assert.Equal(t.GetProperty("root").GetString()!.HexToByteArray(), tree.Root());
            foreach (var i in t.GetProperty("inclusion").EnumerateArray())
            {
                var index = i.GetProperty("index").GetUInt64();
                var size = i.GetProperty("size").GetUInt64();
                Assert.True(MerkleProofs.VerifyInclusion(MerkleHash.Leaf(leaves[(int)index]), index, size, Proof(i), tree.Root(size)));
            }

            foreach (var c in t.GetProperty("consistency").EnumerateArray())
            {
                var size1 = c.GetProperty("size1").GetUInt64();
                var size2 = c.GetProperty("size2").GetUInt64();
                Assert.True(MerkleProofs.VerifyConsistency(size1, size2, tree.Root(size1), tree.Root(size2), Proof(c)));
            }
        }

        Assert.Equal(Enumerable.Range(1, 20), sizes);
    }

    private static List<byte[]> Proof(JsonElement e) => e.GetProperty("proof").EnumerateArray().Select(p => p.GetString()!.HexToByteArray()).ToList();

    private static ulong U64(JsonElement m, string name) => ulong.Parse(m.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static BigInteger Big(JsonElement m, string name) => BigInteger.Parse(m.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static byte[] Hex(JsonElement m, string name) => m.GetProperty(name).GetString()!.HexToByteArray();
}
