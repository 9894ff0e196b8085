using System.Globalization;
using System.Text.Json;

namespace Oracle.SoundnessBench;

/// <summary>What the run measured; <see cref="ToJson"/> is the benchmark's last line.</summary>
internal sealed record SoundnessResult
{
    public required int Disputes { get; init; }

    public required int CorrectRulings { get; init; }

    public required int Appeals { get; init; }

    public required decimal DishonestStakeLost { get; init; }

    public required decimal HonestStakeGained { get; init; }

    public required double MeanSecondsToRuling { get; init; }

    public required int Rounds { get; init; }

    public required int WrongRoundRulings { get; init; }

    public required int DishonestDrawnDisputes { get; init; }

    public required int DishonestUnpunishedDisputes { get; init; }

    public required int DeadlinesMissed { get; init; }

    public required int PhaseSeconds { get; init; }

    public required int Nodes { get; init; }

    public required int DishonestNodes { get; init; }

    public required double DishonestStakeShare { get; init; }

    /// <summary>Correct final rulings per claim type, "correct/disputes".</summary>
    public required IReadOnlyDictionary<string, string> ByClaim { get; init; }

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["disputes"] = Disputes,
        ["correct_rulings"] = CorrectRulings,
        ["appeals"] = Appeals,
        ["dishonest_stake_lost"] = Math.Round(DishonestStakeLost, 3),
        ["honest_stake_gained"] = Math.Round(HonestStakeGained, 3),
        ["mean_seconds_to_ruling"] = Math.Round(MeanSecondsToRuling, 1),
        ["rounds"] = Rounds,
        ["wrong_round_rulings"] = WrongRoundRulings,
        ["dishonest_drawn_disputes"] = DishonestDrawnDisputes,
        ["dishonest_unpunished_disputes"] = DishonestUnpunishedDisputes,
        ["deadlines_missed"] = DeadlinesMissed,
        ["phase_seconds"] = PhaseSeconds,
        ["nodes"] = Nodes,
        ["dishonest_nodes"] = DishonestNodes,
        ["dishonest_stake_share"] = Math.Round(DishonestStakeShare, 3),
        ["correct_by_claim"] = ByClaim,
    });

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CorrectRulings}/{Disputes} correct, {Appeals} appeals");
}
