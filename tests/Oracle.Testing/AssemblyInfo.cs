using System.Runtime.Versioning;

// The fixtures start Linux processes and network namespaces.
[assembly: SupportedOSPlatform("linux")]
