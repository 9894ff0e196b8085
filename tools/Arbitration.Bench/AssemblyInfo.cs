using System.Runtime.Versioning;

// The benchmark starts a Hardhat node and a PostgreSQL cluster through the devnet runtime (Linux processes).
[assembly: SupportedOSPlatform("linux")]
