using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Core.Eip712;

/// <summary>
/// A provider's acceptance of a named panel, signed under the SessionManager's domain: <see cref="Client"/> may open one
/// session with this provider judged by the panel whose hash is <see cref="PanelHash"/>, of
/// <see cref="CommitteeSize"/> oracles, with <see cref="Penalty"/>, until <see cref="Deadline"/>. The client's
/// acceptance is its own <c>openSessionWithPanel</c> transaction; a panel without this signature is refused.
/// </summary>
[Struct("PanelAcceptance")]
public sealed class PanelAcceptance
{
    /// <summary>The client that may open the session.</summary>
    [Parameter("address", "client", 1)] public string Client { get; set; } = string.Empty;

    /// <summary>The session's penalty, VPN base units.</summary>
    [Parameter("uint96", "penalty", 2)] public BigInteger Penalty { get; set; }

    /// <summary>The panel's size.</summary>
    [Parameter("uint8", "committeeSize", 3)] public byte CommitteeSize { get; set; }

    /// <summary><c>keccak256(abi.encodePacked(panel))</c>, the members in strictly ascending address order.</summary>
    [Parameter("bytes32", "panelHash", 4)] public byte[] PanelHash { get; set; } = new byte[32];

    /// <summary>Unix time after which the acceptance opens nothing.</summary>
    [Parameter("uint64", "deadline", 5)] public ulong Deadline { get; set; }

    /// <summary>
    /// <c>keccak256(abi.encodePacked(panel))</c> as the SessionManager computes it: each 20-byte address left-padded to
    /// 32 bytes (Solidity packs an address array's elements as full words), in the order given (the contract wants
    /// strictly ascending addresses).
    /// </summary>
    /// <param name="panel">The members, 0x-prefixed hex addresses.</param>
    /// <exception cref="FormatException">A member is not 20 bytes of hex.</exception>
    public static byte[] HashPanel(IReadOnlyList<string> panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var packed = new byte[32 * panel.Count];
        for (var i = 0; i < panel.Count; i++)
        {
            var member = panel[i] ?? throw new FormatException($"panel member {i + 1} is null");
            var bytes = Convert.FromHexString(member.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? member[2..] : member);
            if (bytes.Length != 20)
            {
                throw new FormatException($"panel member {i + 1} is not a 20-byte address");
            }

            bytes.CopyTo(packed, (32 * i) + 12);
        }

        return Nethereum.Util.Sha3Keccack.Current.CalculateHash(packed);
    }
}
