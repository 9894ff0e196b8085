using System.Runtime.Versioning;

// The chain fixture starts Linux processes.
[assembly: SupportedOSPlatform("linux")]
