using Oracle.Core.Merkle;

namespace Oracle.Core.Evidence;

/// <summary>A checkpoint <see cref="SessionLogVerifier"/> accepted: the log's head then, and what a voucher for it must pay for.</summary>
/// <param name="Head">The log's size and root.</param>
/// <param name="AllowedOctets">Octets of the allowed records of the log at that size; null when some leaves were appended without their records.</param>
/// <param name="EpochTime">The checkpoint's epoch time (Unix seconds).</param>
public sealed record SessionLogCheckpoint(TreeHead Head, ulong? AllowedOctets, ulong EpochTime);
