using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.ABI.EIP712;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Oracle.Core.Eip712;
using Oracle.Core.Merkle;

namespace Oracle.Core.Tests.Vectors;

/// <summary>
/// Builds tests/vectors/eip712.json and merkle.json from fixed inputs and the well-known development keys. The output is
/// deterministic (RFC 6979 signatures), so the checked-in files must equal what this produces; set
/// ORACLE_REGENERATE_VECTORS=1 and run the vector tests to rewrite them after a deliberate change.
/// </summary>
public static class TestVectors
{
    /// <summary>The chain id every vector's domain binds.</summary>
    public const long ChainId = 31337;

    /// <summary>Stand-in contract addresses of the vectors' domains.</summary>
    public const string SessionManager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    public const string DisputeManager = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    public const string VpnToken = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Oracle.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Oracle.sln not found above the test assembly");
    }

    public static string PathOf(string name) => Path.Combine(RepositoryRoot(), "tests", "vectors", name);

    /// <summary>Development key <paramref name="i"/>: SHA-256("oracle devnet account i").</summary>
    public static EthECKey DevKey(int i) => new(SHA256.HashData(Encoding.UTF8.GetBytes("oracle devnet account " + i.ToString(CultureInfo.InvariantCulture))), true);

    [Struct("Permit")]
    public sealed class Permit
    {
        [Parameter("address", "owner", 1)] public string Owner { get; set; } = "";
        [Parameter("address", "spender", 2)] public string Spender { get; set; } = "";
        [Parameter("uint256", "value", 3)] public BigInteger Value { get; set; }
        [Parameter("uint256", "nonce", 4)] public BigInteger Nonce { get; set; }
        [Parameter("uint256", "deadline", 5)] public BigInteger Deadline { get; set; }
    }

    public static string Eip712Json()
    {
        var client = DevKey(1);
        var provider = DevKey(2);
        var root = SHA256.HashData("oracle vector log root"u8);
        var items = new JsonArray
        {
            Item(new Voucher { SessionId = 42, CumulativeAmount = BigInteger.Parse("1250000000000000000", CultureInfo.InvariantCulture), CumulativeBytes = 1_310_720, LogSize = 17, LogRoot = root },
                TypedDataDomain.SessionManager(ChainId, SessionManager), client),
            Item(new Checkpoint { SessionId = 42, TreeSize = 17, Root = root, EpochTime = 1_767_225_600, CaptureDrops = 3 },
                TypedDataDomain.SessionManager(ChainId, SessionManager), provider),
            Item(new Filing { SessionId = 42, ClaimType = 1, RuleId = 7, EvidenceHash = SHA256.HashData("oracle vector evidence"u8), EvidenceUri = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", ProofHash = RecordProof.Hash(SampleProof(client, root)), PanelHash = new byte[32], Nonce = 0, Deadline = 4_102_444_800 },
                TypedDataDomain.DisputeManager(ChainId, DisputeManager), provider, ProofJson(SampleProof(client, root))),
            Item(new PanelAcceptance { Client = client.GetPublicAddress(), Penalty = BigInteger.Parse("40000000000000000000", CultureInfo.InvariantCulture), CommitteeSize = 3, PanelHash = SHA256.HashData("oracle vector panel"u8), Deadline = 4_102_444_800 },
                TypedDataDomain.SessionManager(ChainId, SessionManager), provider),
            Item(new TunnelAuthorization { SessionId = 42, ClientTunnelKey = SHA256.HashData("oracle vector client tunnel key"u8), ProviderTunnelKey = SHA256.HashData("oracle vector provider tunnel key"u8), NotAfter = 1_767_229_200 },
                TypedDataDomain.SessionManager(ChainId, SessionManager), client),
            Item(new EvidenceKey { SessionId = 42, KeyHash = Nethereum.Util.Sha3Keccack.Current.CalculateHash(SHA256.HashData("oracle vector evidence key"u8)) },
                TypedDataDomain.SessionManager(ChainId, SessionManager), provider),
            Item(new Permit { Owner = client.GetPublicAddress(), Spender = SessionManager, Value = BigInteger.Parse("100000000000000000000", CultureInfo.InvariantCulture), Nonce = 0, Deadline = 4_102_444_800 },
                new TypedDataDomain("Oracle VPN Token", "1", ChainId, VpnToken), client),
        };
        return items.ToJsonString(Indented) + "\n";
    }

    /// <summary>The record proof a Filing's proofHash covers, as the vector's <c>recordProof</c> (hex and decimal strings).</summary>
    private static JsonObject ProofJson(RecordProof p) => new()
    {
        ["leaf"] = "0x" + Convert.ToHexStringLower(p.Leaf),
        ["leafIndex"] = p.LeafIndex.ToString(CultureInfo.InvariantCulture),
        ["auditPath"] = new JsonArray(p.AuditPath.Select(h => (JsonNode)("0x" + Convert.ToHexStringLower(h))).ToArray()),
        ["voucher"] = new JsonObject
        {
            ["sessionId"] = p.Voucher.SessionId.ToString(CultureInfo.InvariantCulture),
            ["cumulativeAmount"] = p.Voucher.CumulativeAmount.ToString(CultureInfo.InvariantCulture),
            ["cumulativeBytes"] = p.Voucher.CumulativeBytes.ToString(CultureInfo.InvariantCulture),
            ["logSize"] = p.Voucher.LogSize.ToString(CultureInfo.InvariantCulture),
            ["logRoot"] = "0x" + Convert.ToHexStringLower(p.Voucher.LogRoot),
        },
        ["signature"] = "0x" + Convert.ToHexStringLower(p.Signature),
    };

    private static JsonObject Item<T>(T message, TypedDataDomain domain, EthECKey key, JsonObject? recordProof = null)
        where T : class
    {
        var typed = typeof(T) == typeof(Permit) ? PermitTypedData(domain) : TypedDataSigner.TypedData<T>(domain);
        var digest = Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(message, typed);
        var signature = Eip712TypedDataSigner.Current.SignTypedDataV4(message, typed, key);
        var types = new JsonObject();
        foreach (var (name, members) in typed.Types.OrderBy(t => t.Key == "EIP712Domain" ? 0 : 1).ThenBy(t => t.Key, StringComparer.Ordinal))
        {
            types[name] = new JsonArray(members.Select(m => (JsonNode)new JsonObject { ["name"] = m.Name, ["type"] = m.Type }).ToArray());
        }

        var fields = new JsonObject();
        foreach (var p in typeof(T).GetProperties().Select(p => (Property: p, Attribute: (ParameterAttribute?)Attribute.GetCustomAttribute(p, typeof(ParameterAttribute)))).Where(x => x.Attribute is not null).OrderBy(x => x.Attribute!.Order))
        {
            fields[p.Attribute!.Name] = p.Property.GetValue(message) switch
            {
                byte[] b => "0x" + Convert.ToHexStringLower(b),
                BigInteger n => n.ToString(CultureInfo.InvariantCulture),
                ulong n => n.ToString(CultureInfo.InvariantCulture),
                uint n => n.ToString(CultureInfo.InvariantCulture),
                byte n => n.ToString(CultureInfo.InvariantCulture),
                string s => s,
                var other => throw new InvalidOperationException($"unsupported field {other}"),
            };
        }

        var item = new JsonObject
        {
            ["domain"] = new JsonObject { ["name"] = domain.Name, ["version"] = domain.Version, ["chainId"] = (long)domain.ChainId, ["verifyingContract"] = domain.VerifyingContract },
            ["types"] = types,
            ["primaryType"] = typed.PrimaryType,
            ["message"] = fields,
            ["digest"] = "0x" + Convert.ToHexStringLower(digest),
            ["signer"] = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress()),
            ["signature"] = signature.EnsureHexPrefix().ToLowerInvariant(),
        };
        if (recordProof is not null)
        {
            item["recordProof"] = recordProof;
        }

        return item;
    }

    /// <summary>The record proof the Filing vector signs: a 95-byte denied record of session 42, rule 7, in a log of 3.</summary>
    public static RecordProof SampleProof(EthECKey client, byte[] root)
    {
        var leaf = new byte[95];
        leaf[0] = 1;
        leaf[8] = 42;
        leaf[9] = 1;
        leaf[13] = 7;
        var voucher = new Voucher { SessionId = 42, CumulativeAmount = 1, CumulativeBytes = 1024, LogSize = 3, LogRoot = root };
        return new RecordProof
        {
            Leaf = leaf,
            LeafIndex = 2,
            AuditPath = [SHA256.HashData("oracle vector sibling"u8)],
            Voucher = voucher,
            Signature = TypedDataSigner.Sign(voucher, TypedDataDomain.SessionManager(ChainId, SessionManager), client).HexToByteArray(),
        };
    }

    public static TypedData<Domain> PermitTypedData(TypedDataDomain domain) => new()
    {
        Domain = new Domain { Name = domain.Name, Version = domain.Version, ChainId = domain.ChainId, VerifyingContract = domain.VerifyingContract },
        Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(Permit)),
        PrimaryType = "Permit",
    };

    public static string MerkleJson()
    {
        var trees = new JsonArray();
        foreach (var n in Enumerable.Range(1, 20))
        {
            var tree = new MerkleTree();
            var leaves = new JsonArray();
            for (var i = 0; i < n; i++)
            {
                // Leaves of varying length (1..32 bytes), the empty leaf included once.
                var data = SHA256.HashData(Encoding.UTF8.GetBytes($"oracle merkle vector {i}"))[..(i % 33)];
                tree.Append(data);
                leaves.Add("0x" + Convert.ToHexStringLower(data));
            }

            var inclusion = new JsonArray();
            foreach (var size in new[] { (ulong)n, (ulong)Math.Max(1, n - 1) }.Distinct())
            {
                for (ulong index = 0; index < size; index++)
                {
                    inclusion.Add(new JsonObject { ["index"] = index, ["size"] = size, ["proof"] = Hashes(tree.InclusionProof(index, size)) });
                }
            }

            var consistency = new JsonArray();
            for (ulong size1 = 1; size1 < (ulong)n; size1++)
            {
                consistency.Add(new JsonObject { ["size1"] = size1, ["size2"] = (ulong)n, ["proof"] = Hashes(tree.ConsistencyProof(size1, (ulong)n)) });
            }

            trees.Add(new JsonObject { ["leaves"] = leaves, ["root"] = "0x" + Convert.ToHexStringLower(tree.Root()), ["inclusion"] = inclusion, ["consistency"] = consistency });
        }

        return trees.ToJsonString(Indented) + "\n";
    }

    private static JsonArray Hashes(IReadOnlyList<byte[]> proof) => new(proof.Select(p => (JsonNode)("0x" + Convert.ToHexStringLower(p))).ToArray());
}
