using System.Numerics;

namespace Arbitration.Api.Filing;

/// <summary>A well-formed permit: value, deadline and the signature split as <c>permit(…, v, r, s)</c> takes it.</summary>
internal sealed record SignedPermit(BigInteger Value, BigInteger Deadline, byte V, byte[] R, byte[] S, string Signature);
