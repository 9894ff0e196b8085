namespace VpnGateway.Native;

/// <summary>A byte array on the pinned object heap: its address never changes, so the packet path passes raw pointers.</summary>
internal sealed unsafe class PinnedBuffer
{
    public PinnedBuffer(int length)
    {
        Array = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        Pointer = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(Array));
    }

    public byte[] Array { get; }

    public byte* Pointer { get; }

    public int Length => Array.Length;

    public Span<byte> Span(int offset, int length) => Array.AsSpan(offset, length);
}
