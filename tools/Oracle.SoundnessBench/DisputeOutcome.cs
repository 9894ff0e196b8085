namespace Oracle.SoundnessBench;

/// <summary>One scripted dispute's course: the truth, each round's ruling, the appeals, the final ruling and its time.</summary>
internal sealed record DisputeOutcome(ulong DisputeId, bool Truth, IReadOnlyList<bool> RoundRulings, int Appeals, bool FinalUpheld, long Seconds)
{
    public bool Correct => FinalUpheld == Truth;
}
