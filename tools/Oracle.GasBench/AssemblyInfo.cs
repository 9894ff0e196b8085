using System.Runtime.Versioning;

// The benchmark starts a Hardhat node through the devnet runtime (Linux processes).
[assembly: SupportedOSPlatform("linux")]
