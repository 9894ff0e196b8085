using System.Numerics;

namespace Arbitration.Api.Filing;

/// <summary>Gas reserved against the relayer's limits for one filing in flight.</summary>
/// <param name="Day">The UTC day it counts against.</param>
/// <param name="Filer">The filer.</param>
/// <param name="Wei">The worst case reserved.</param>
internal sealed record RelayReservation(DateOnly Day, string Filer, BigInteger Wei);
