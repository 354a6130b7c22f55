using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gateway.Kernels;

/// <summary>
/// fp16 -> fp32 through a 65536-entry table. .NET exposes no F16C conversion for single values, and the software
/// conversion costs more than the integer work of a whole block; the few distinct scales of a model stay in cache.
/// </summary>
internal static unsafe class HalfTable
{
    private static readonly float* Table = Build();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => Table[bits];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Read(byte* p) => Table[Unsafe.ReadUnaligned<ushort>(p)];

    private static float* Build()
    {
        // Lives as long as the process, like the code that reads it.
        var table = (float*)NativeMemory.AlignedAlloc(65536 * sizeof(float), 64);
        for (int i = 0; i < 65536; i++)
        {
            table[i] = (float)BitConverter.UInt16BitsToHalf((ushort)i);
        }

        return table;
    }
}
