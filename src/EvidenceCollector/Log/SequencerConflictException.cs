namespace EvidenceCollector.Log;

/// <summary>Another sequencer moved the global log's head during a step: the step wrote nothing (its transaction rolled back).</summary>
internal sealed class SequencerConflictException(string message) : Exception(message);
