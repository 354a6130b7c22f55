using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Float weight rows (F32, F16, BF16) x float activation rows: no activation quantization, so F32 models stay exact
/// up to summation order.
/// </summary>
internal static unsafe class DotFloat
{
    /// <summary>F16 rows are widened in chunks of this many elements on the stack (1 KiB of floats).</summary>
    private const int HalfChunk = 256;

    public static float F32Scalar(byte* w, float* x, int n)
    {
        float* a = (float*)w;
        float sum = 0;
        for (int i = 0; i < n; i++) sum += a[i] * x[i];
        return sum;
    }

    public static float F32Avx2(byte* w, float* x, int n)
    {
        float* a = (float*)w;
        Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            acc0 = Fma.MultiplyAdd(Vector256.Load(a + i), Vector256.Load(x + i), acc0);
            acc1 = Fma.MultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(x + i + 8), acc1);
            acc2 = Fma.MultiplyAdd(Vector256.Load(a + i + 16), Vector256.Load(x + i + 16), acc2);
            acc3 = Fma.MultiplyAdd(Vector256.Load(a + i + 24), Vector256.Load(x + i + 24), acc3);
        }

        for (; i + 8 <= n; i += 8)
        {
            acc0 = Fma.MultiplyAdd(Vector256.Load(a + i), Vector256.Load(x + i), acc0);
        }

        float sum = Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < n; i++) sum += a[i] * x[i];
        return sum;
    }

    public static float F32Avx512(byte* w, float* x, int n)
    {
        float* a = (float*)w;
        Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        int i = 0;
        for (; i + 64 <= n; i += 64)
        {
            acc0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(x + i), acc0);
            acc1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + i + 16), Vector512.Load(x + i + 16), acc1);
            acc2 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + i + 32), Vector512.Load(x + i + 32), acc2);
            acc3 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + i + 48), Vector512.Load(x + i + 48), acc3);
        }

        for (; i + 16 <= n; i += 16)
        {
            acc0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(x + i), acc0);
        }

        float sum = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < n; i++) sum += a[i] * x[i];
        return sum;
    }

    public static float F16Scalar(byte* w, float* x, int n)
    {
        ushort* a = (ushort*)w;
        float sum = 0;
        for (int i = 0; i < n; i++) sum += HalfTable.ToSingle(a[i]) * x[i];
        return sum;
    }

    public static float F16Avx2(byte* w, float* x, int n) => F16Chunked(w, x, n, &F32Avx2);

    public static float F16Avx512(byte* w, float* x, int n) => F16Chunked(w, x, n, &F32Avx512);

    /// <summary>.NET has no F16C intrinsics; <see cref="VectorOps.ConvertToSingle"/> widens halves with integer SIMD, then the float kernel runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float F16Chunked(byte* w, float* x, int n, delegate*<byte*, float*, int, float> dot)
    {
        float* buffer = stackalloc float[HalfChunk];
        float sum = 0;
        for (int i = 0; i < n; i += HalfChunk)
        {
            int len = Math.Min(HalfChunk, n - i);
            VectorOps.ConvertToSingle(new ReadOnlySpan<Half>(w + 2 * i, len), new Span<float>(buffer, len));
            sum += dot((byte*)buffer, x + i, len);
        }

        return sum;
    }

    public static float BF16Scalar(byte* w, float* x, int n)
    {
        ushort* a = (ushort*)w;
        float sum = 0;
        for (int i = 0; i < n; i++) sum += BFloat16Bits.ToSingle(a[i]) * x[i];
        return sum;
    }

    public static float BF16Avx2(byte* w, float* x, int n)
    {
        ushort* a = (ushort*)w;
        Vector256<float> acc0 = default, acc1 = default;
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            acc0 = Fma.MultiplyAdd(WidenBf16(a + i), Vector256.Load(x + i), acc0);
            acc1 = Fma.MultiplyAdd(WidenBf16(a + i + 8), Vector256.Load(x + i + 8), acc1);
        }

        for (; i + 8 <= n; i += 8)
        {
            acc0 = Fma.MultiplyAdd(WidenBf16(a + i), Vector256.Load(x + i), acc0);
        }

        float sum = Vector256.Sum(acc0 + acc1);
        for (; i < n; i++) sum += BFloat16Bits.ToSingle(a[i]) * x[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> WidenBf16(ushort* p) =>
        System.Runtime.Intrinsics.X86.Avx2.ShiftLeftLogical(System.Runtime.Intrinsics.X86.Avx2.ConvertToVector256Int32(p), 16).AsSingle();

    public static float BF16Avx512(byte* w, float* x, int n)
    {
        ushort* a = (ushort*)w;
        Vector512<float> acc0 = default, acc1 = default;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            acc0 = Avx512F.FusedMultiplyAdd(WidenBf16x16(a + i), Vector512.Load(x + i), acc0);
            acc1 = Avx512F.FusedMultiplyAdd(WidenBf16x16(a + i + 16), Vector512.Load(x + i + 16), acc1);
        }

        for (; i + 16 <= n; i += 16)
        {
            acc0 = Avx512F.FusedMultiplyAdd(WidenBf16x16(a + i), Vector512.Load(x + i), acc0);
        }

        float sum = Vector512.Sum(acc0 + acc1);
        for (; i < n; i++) sum += BFloat16Bits.ToSingle(a[i]) * x[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> WidenBf16x16(ushort* p) =>
        Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512Int32(Vector256.Load(p)), 16).AsSingle();
}
