using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// AVX-VNNI (VEX, 256-bit VPDPBUSD) kernels for the two hottest formats. VPDPBUSD multiplies u8 x s8 and adds four
/// products straight into int32 without int16 saturation, so the weight offsets go into the accumulator's start
/// value: Q4_0 starts at -8 * sum(qx); Q8_0 flips the sign bit (w + 128, unsigned) and starts at -128 * sum(qx).
/// .NET 10 exposes no 512-bit VPDPBUSD, so these are 256-bit.
/// </summary>
internal static unsafe class DotVnni
{
    public static float Q4_0(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        int b = 0;
        for (; b + 1 < blocks; b += 2)
        {
            acc0 = BlockQ4_0(w + b * BlockLayout.Q4_0Bytes, xq + b * BlockLayout.Qk, xd[b], xs[b], acc0);
            acc1 = BlockQ4_0(w + (b + 1) * BlockLayout.Q4_0Bytes, xq + (b + 1) * BlockLayout.Qk, xd[b + 1], xs[b + 1], acc1);
        }

        if (b < blocks)
        {
            acc0 = BlockQ4_0(w + b * BlockLayout.Q4_0Bytes, xq + b * BlockLayout.Qk, xd[b], xs[b], acc0);
        }

        return Vector256.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BlockQ4_0(byte* bw, sbyte* bx, float dx, int sx, Vector256<float> acc)
    {
        var qs = Vector128.Load(bw + 2);
        var mask = Vector128.Create((byte)0x0F);
        var nibbles = Vector256.Create(qs & mask, Vector128.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask);
        var sum = AvxVnni.MultiplyWideningAndAdd(Vector256.CreateScalar(-8 * sx), nibbles, Vector256.Load(bx));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(HalfTable.Read(bw) * dx), acc);
    }

    public static float Q8_0(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        int b = 0;
        for (; b + 1 < blocks; b += 2)
        {
            acc0 = BlockQ8_0(w + b * BlockLayout.Q8_0Bytes, xq + b * BlockLayout.Qk, xd[b], xs[b], acc0);
            acc1 = BlockQ8_0(w + (b + 1) * BlockLayout.Q8_0Bytes, xq + (b + 1) * BlockLayout.Qk, xd[b + 1], xs[b + 1], acc1);
        }

        if (b < blocks)
        {
            acc0 = BlockQ8_0(w + b * BlockLayout.Q8_0Bytes, xq + b * BlockLayout.Qk, xd[b], xs[b], acc0);
        }

        return Vector256.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BlockQ8_0(byte* bw, sbyte* bx, float dx, int sx, Vector256<float> acc)
    {
        var unsignedW = Vector256.Load(bw + 2) ^ Vector256.Create((byte)0x80);
        var sum = AvxVnni.MultiplyWideningAndAdd(Vector256.CreateScalar(-128 * sx), unsignedW, Vector256.Load(bx));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(HalfTable.Read(bw) * dx), acc);
    }
}
