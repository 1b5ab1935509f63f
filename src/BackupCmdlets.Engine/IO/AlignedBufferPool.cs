using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// Buffers of one size whose start is aligned to 4 KiB, as direct I/O needs: pinned arrays (the GC
/// never moves them), each handed out as the aligned part. Returned buffers are reused.
/// </summary>
internal sealed class AlignedBufferPool
{
    public const int Alignment = 4096;

    private readonly ConcurrentBag<ArraySegment<byte>> _free = [];

    public AlignedBufferPool(int size)
    {
        Size = size;
    }

    public int Size { get; }

    public unsafe ArraySegment<byte> Rent()
    {
        if (_free.TryTake(out var buffer))
        {
            return buffer;
        }

        byte[] array = GC.AllocateUninitializedArray<byte>(Size + Alignment, pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int skip = (int)((Alignment - (start & (Alignment - 1))) & (Alignment - 1));
        return new ArraySegment<byte>(array, skip, Size);
    }

    public void Return(ArraySegment<byte> buffer) => _free.Add(buffer);
}
