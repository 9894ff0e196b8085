namespace Oracle.SoundnessBench;

/// <summary>One scripted dispute's course: its claim type, the truth, each round's ruling, the appeals, the final ruling and its time.</summary>
internal sealed record DisputeOutcome(ulong DisputeId, string Claim, bool Truth, IReadOnlyList<bool> RoundRulings, int Appeals, bool FinalUpheld, long Seconds)
{
    public bool Correct => FinalUpheld == Truth;
}
