using System.Text;
using Nethereum.Util;

namespace OracleNode.Keeping;

/// <summary>
/// Who sends a phase transition that anyone may send, without the nodes talking to each other: the staked oracles are
/// ordered by <c>keccak256(action ‖ disputeId ‖ round ‖ address)</c>; the node at position k waits k slots after the
/// transition became due and sends it only if it is still due then. The first node sends at once, the others see the
/// transition on-chain and stand down; an offline node only delays the next one by a slot. Two sends in one block are
/// harmless (the second reverts in its gas estimate and is not sent, or reverts mined).
/// </summary>
internal static class StandDown
{
    /// <summary>The node's position among <paramref name="oracles"/> for this transition (the count when it is not among them).</summary>
    public static int Rank(string action, ulong disputeId, int round, string me, IReadOnlyCollection<string> oracles)
    {
        if (!oracles.Contains(me, StringComparer.OrdinalIgnoreCase))
        {
            return oracles.Count;
        }

        var mine = Key(action, disputeId, round, me);
        var rank = 0;
        foreach (var oracle in oracles)
        {
            if (!string.Equals(oracle, me, StringComparison.OrdinalIgnoreCase) && string.CompareOrdinal(Key(action, disputeId, round, oracle), mine) < 0)
            {
                rank++;
            }
        }

        return rank;
    }

    private static string Key(string action, ulong disputeId, int round, string address)
        => Convert.ToHexString(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes($"{action}|{disputeId}|{round}|{address.ToLowerInvariant()}")));
}
