using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Policy;

public sealed class CompiledPolicyTests
{
    // Addresses drawn from a handful of nearby prefixes so that random rules and packets actually overlap.
    private static readonly uint[] Bases4 = [0xC6120000, 0xC6130000, 0xC612_0A00, 0x0A000000];

    [Fact]
    public void Evaluate_RandomDocumentsAndPackets_AgreesWithReferenceEvaluator()
    {
        var random = new Random(20250101);
        var checkedPackets = 0;
        for (var d = 0; d < 300; d++)
        {
            var document = RandomDocument(random);
            var context = new PolicyContext([RandomPrefix(random), RandomPrefix(random), RandomPrefix6(random)]);
            var compiled = CompiledPolicy.Compile(document, context);
            for (var p = 0; p < 400; p++)
            {
                var tuple = RandomTuple(random);
                var direction = random.Next(2) == 0 ? TrafficDirection.Outbound : TrafficDirection.Inbound;
                Assert.Equal(PolicyEvaluator.Evaluate(document, context, tuple, direction), compiled.Evaluate(tuple, direction));
                checkedPackets++;
            }
        }

        Assert.Equal(120_000, checkedPackets);
    }

    private static PolicyDocument RandomDocument(Random random)
    {
        var rules = new List<PolicyRule>();
        var count = random.Next(0, 12);
        for (var i = 0; i < count; i++)
        {
            byte? protocol = random.Next(4) switch { 0 => null, 1 => 6, 2 => 17, _ => 1 };
            var ports = protocol is null or 6 or 17 && random.Next(2) == 0
                ? Enumerable.Range(0, random.Next(1, 3)).Select(_ => { var a = (ushort)random.Next(20, 30); return new PortRange(a, (ushort)(a + random.Next(3))); }).ToList()
                : null;
            var networks = random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(4) == 0 ? RandomPrefix6(random) : RandomPrefix(random)).ToList();
            rules.Add(new PolicyRule((uint)(i + 1), random.Next(2) == 0 ? PolicyAction.Allow : PolicyAction.Deny,
                (RuleDirection)random.Next(3), protocol, networks, ports));
        }

        var exports = random.Next(2) == 0 ? new List<IpPrefix> { RandomPrefix(random) } : null;
        return new PolicyDocument(random.Next(2) == 0 ? PolicyAction.Allow : PolicyAction.Deny, rules, exports);
    }

    private static IpPrefix RandomPrefix(Random random)
    {
        var length = random.Next(8, 33);
        var address = Bases4[random.Next(Bases4.Length)] | (uint)random.Next(0, 1 << 12);
        var mask = length == 0 ? 0u : uint.MaxValue << (32 - length);
        return IpPrefix.Parse($"{new System.Net.IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address & mask))}/{length}");
    }

    private static IpPrefix RandomPrefix6(Random random)
        => IpPrefix.Parse(random.Next(2) == 0 ? "2001:db8::/32" : "2001:db8:0:1::/64");

    private static PacketTuple RandomTuple(Random random)
    {
        var v6 = random.Next(5) == 0;
        UInt128 Address() => v6
            ? (((UInt128)0x20010DB8_00000000UL << 64) | (UInt128)(ulong)random.Next(0, 3) << 64 | (UInt128)(ulong)random.Next())
            : IpNumber.MapIPv4(Bases4[random.Next(Bases4.Length)] | (uint)random.Next(0, 1 << 12));
        var protocol = (byte)(random.Next(4) switch { 0 => 6, 1 => 17, 2 => 1, _ => 47 });
        var hasPorts = protocol is 6 or 17 && random.Next(8) != 0;
        return new PacketTuple(v6, Address(), Address(), protocol, hasPorts,
            hasPorts ? (ushort)random.Next(18, 32) : (ushort)0, hasPorts ? (ushort)random.Next(18, 32) : (ushort)0);
    }
}
