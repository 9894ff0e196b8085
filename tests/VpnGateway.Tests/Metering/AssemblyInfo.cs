using System.Runtime.Versioning;

// Metering tests use the Linux-only fixtures (network namespaces, TUN devices, local services).
[assembly: SupportedOSPlatform("linux")]
