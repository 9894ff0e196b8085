using System.Runtime.Versioning;

// The local network runs Linux processes (setsid, setpriv, /proc): it is Linux only.
[assembly: SupportedOSPlatform("linux")]
