using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// One weight row against four activation rows at once, for batched decode: each weight block is loaded, unpacked
/// and its fp16 scale looked up once, then multiplied into four accumulators. Without this, every activation row
/// would repeat the unpacking and batch 16 would cost nearly 16 times batch 1 even with the weights in cache.
/// Writes results[0..3]. The VNNI forms use VPDPBUSD (256-bit AVX-VNNI); the others vpmaddubsw + vpmaddwd.
/// </summary>
internal static unsafe class DotBatch4
{
    public static void Q4_0Vnni(byte* w, QuantizedRow* x, int blocks, float* results)
    {
        QuantizedRow x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var mask = Vector128.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_0Bytes)
        {
            var qs = Vector128.Load(w + 2);
            var nibbles = Vector256.Create(qs & mask, Vector128.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask);
            float d = HalfTable.Read(w);
            a0 = Q4_0StepVnni(nibbles, x0, b, d, a0);
            a1 = Q4_0StepVnni(nibbles, x1, b, d, a1);
            a2 = Q4_0StepVnni(nibbles, x2, b, d, a2);
            a3 = Q4_0StepVnni(nibbles, x3, b, d, a3);
        }

        Store(results, a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Q4_0StepVnni(Vector256<byte> nibbles, QuantizedRow x, int b, float d, Vector256<float> acc)
    {
        var sum = AvxVnni.MultiplyWideningAndAdd(Vector256.CreateScalar(-8 * x.Sums[b]), nibbles, Vector256.Load(x.Quants + b * BlockLayout.Qk));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(d * x.Scales[b]), acc);
    }

    public static void Q4_0Avx2(byte* w, QuantizedRow* x, int blocks, float* results)
    {
        QuantizedRow x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var mask = Vector128.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_0Bytes)
        {
            var qs = Vector128.Load(w + 2);
            var nibbles = Vector256.Create(qs & mask, Vector128.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask);
            float d = HalfTable.Read(w);
            a0 = Q4_0StepAvx2(nibbles, x0, b, d, a0);
            a1 = Q4_0StepAvx2(nibbles, x1, b, d, a1);
            a2 = Q4_0StepAvx2(nibbles, x2, b, d, a2);
            a3 = Q4_0StepAvx2(nibbles, x3, b, d, a3);
        }

        Store(results, a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Q4_0StepAvx2(Vector256<byte> nibbles, QuantizedRow x, int b, float d, Vector256<float> acc)
    {
        var pairs = Avx2.MultiplyAddAdjacent(nibbles, Vector256.Load(x.Quants + b * BlockLayout.Qk));
        var quads = Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1)) + Vector256.CreateScalar(-8 * x.Sums[b]);
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(quads), Vector256.Create(d * x.Scales[b]), acc);
    }

    public static void Q8_0Vnni(byte* w, QuantizedRow* x, int blocks, float* results)
    {
        QuantizedRow x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q8_0Bytes)
        {
            var unsignedW = Vector256.Load(w + 2) ^ Vector256.Create((byte)0x80);
            float d = HalfTable.Read(w);
            a0 = Q8_0StepVnni(unsignedW, x0, b, d, a0);
            a1 = Q8_0StepVnni(unsignedW, x1, b, d, a1);
            a2 = Q8_0StepVnni(unsignedW, x2, b, d, a2);
            a3 = Q8_0StepVnni(unsignedW, x3, b, d, a3);
        }

        Store(results, a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Q8_0StepVnni(Vector256<byte> unsignedW, QuantizedRow x, int b, float d, Vector256<float> acc)
    {
        var sum = AvxVnni.MultiplyWideningAndAdd(Vector256.CreateScalar(-128 * x.Sums[b]), unsignedW, Vector256.Load(x.Quants + b * BlockLayout.Qk));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(d * x.Scales[b]), acc);
    }

    public static void Q8_0Avx2(byte* w, QuantizedRow* x, int blocks, float* results)
    {
        QuantizedRow x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q8_0Bytes)
        {
            var signedW = Vector256.Load((sbyte*)(w + 2));
            var magnitude = Avx2.Abs(signedW);
            float d = HalfTable.Read(w);
            a0 = Q8_0StepAvx2(signedW, magnitude, x0, b, d, a0);
            a1 = Q8_0StepAvx2(signedW, magnitude, x1, b, d, a1);
            a2 = Q8_0StepAvx2(signedW, magnitude, x2, b, d, a2);
            a3 = Q8_0StepAvx2(signedW, magnitude, x3, b, d, a3);
        }

        Store(results, a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Q8_0StepAvx2(Vector256<sbyte> signedW, Vector256<byte> magnitude, QuantizedRow x, int b, float d, Vector256<float> acc)
    {
        var pairs = Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(Vector256.Load(x.Quants + b * BlockLayout.Qk), signedW));
        var quads = Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(quads), Vector256.Create(d * x.Scales[b]), acc);
    }

    // Single-row forms with exactly the arithmetic of the four-row kernels (one 256-bit accumulator per row, blocks in
    // order, the same horizontal sum). A row's result must not depend on how many rows share its batch: otherwise a
    // sequence's tokens would change with the server's load, and seeded requests would not be reproducible.

    public static float Q4_0VnniRow(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var x = new QuantizedRow(xq, xd, xs, xsd);
        Vector256<float> a = default;
        var mask = Vector128.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_0Bytes)
        {
            var qs = Vector128.Load(w + 2);
            var nibbles = Vector256.Create(qs & mask, Vector128.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask);
            a = Q4_0StepVnni(nibbles, x, b, HalfTable.Read(w), a);
        }

        return Vector256.Sum(a);
    }

    public static float Q4_0Avx2Row(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var x = new QuantizedRow(xq, xd, xs, xsd);
        Vector256<float> a = default;
        var mask = Vector128.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_0Bytes)
        {
            var qs = Vector128.Load(w + 2);
            var nibbles = Vector256.Create(qs & mask, Vector128.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask);
            a = Q4_0StepAvx2(nibbles, x, b, HalfTable.Read(w), a);
        }

        return Vector256.Sum(a);
    }

    public static float Q8_0VnniRow(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var x = new QuantizedRow(xq, xd, xs, xsd);
        Vector256<float> a = default;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q8_0Bytes)
        {
            var unsignedW = Vector256.Load(w + 2) ^ Vector256.Create((byte)0x80);
            a = Q8_0StepVnni(unsignedW, x, b, HalfTable.Read(w), a);
        }

        return Vector256.Sum(a);
    }

    public static float Q8_0Avx2Row(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var x = new QuantizedRow(xq, xd, xs, xsd);
        Vector256<float> a = default;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q8_0Bytes)
        {
            var signedW = Vector256.Load((sbyte*)(w + 2));
            a = Q8_0StepAvx2(signedW, Avx2.Abs(signedW), x, b, HalfTable.Read(w), a);
        }

        return Vector256.Sum(a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* results, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        results[0] = Vector256.Sum(a0);
        results[1] = Vector256.Sum(a1);
        results[2] = Vector256.Sum(a2);
        results[3] = Vector256.Sum(a3);
    }
}
