namespace VpnGateway.Native;

/// <summary>A system call failed in a way the caller cannot handle (device setup, socket setup).</summary>
internal sealed class NativeException(string operation, int errno)
    : Exception($"{operation} failed: {Libc.Describe(errno)} (errno {errno})")
{
    public int Errno { get; } = errno;
}
