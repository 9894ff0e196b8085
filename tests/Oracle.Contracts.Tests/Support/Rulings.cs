using Oracle.Chain.Model;

namespace Oracle.Contracts.Tests.Support;

/// <summary>Drives a drawn round to a ruling the way honest (or colluding) jurors would.</summary>
internal static class Rulings
{
    /// <summary>
    /// Every distinct juror of <paramref name="committee"/> commits and reveals <paramref name="vote"/>; then the clock
    /// runs past the reveal phase and (when <paramref name="throughAppeal"/>) the appeal window.
    /// </summary>
    public static async Task VoteAsync(TestNetwork network, IReadOnlyDictionary<string, Actor> oracles, ulong id, byte round, List<string> committee, Ruling vote, bool throughAppeal = true)
    {
        var jurors = Disputes.Distinct(committee);
        var salts = jurors.Select(_ => Disputes.Salt()).ToList();
        for (var i = 0; i < jurors.Count; i++)
        {
            await Disputes.CommitAsync(oracles[jurors[i]], id, round, committee, vote, salts[i]);
        }

        await network.Chain.IncreaseTimeAsync(network.Parameters.CommitPeriod);
        for (var i = 0; i < jurors.Count; i++)
        {
            await oracles[jurors[i]].Disputes.RevealAsync(id, round, (byte)vote, salts[i]);
        }

        await network.Chain.IncreaseTimeAsync(network.Parameters.RevealPeriod + (throughAppeal ? network.Parameters.AppealPeriod : TimeSpan.Zero));
    }
}
