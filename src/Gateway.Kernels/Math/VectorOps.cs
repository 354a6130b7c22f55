using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>The float vector helpers of a transformer layer, vectorized through TensorPrimitives.</summary>
public static class VectorOps
{
    /// <summary>Halves are widened in chunks of this many elements on the stack.</summary>
    private const int Chunk = 256;

    /// <summary>y = x / sqrt(mean(x^2) + eps) * weight.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        if (weight.Length != x.Length || y.Length != x.Length)
        {
            throw new ArgumentException("x, weight and y must have the same length.");
        }

        float meanSquare = TensorPrimitives.SumOfSquares(x) / x.Length;
        float scale = 1f / MathF.Sqrt(meanSquare + eps);
        TensorPrimitives.Multiply(x, scale, y);
        TensorPrimitives.Multiply(y, weight, y);
    }

    /// <summary>In-place softmax; subtracts the maximum first so large logits cannot overflow (-inf entries become 0).</summary>
    /// <remarks>
    /// Attention runs one per (token, head) per layer over a few dozen scores, where five TensorPrimitives passes cost
    /// more in calls than in arithmetic; with AVX-512 the passes are fused into three loops over 512-bit vectors.
    /// </remarks>
    public static void Softmax(Span<float> x)
    {
        if (x.IsEmpty)
        {
            return;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Softmax512(x);
            return;
        }

        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, x);
        TensorPrimitives.Exp(x, x);
        float sum = TensorPrimitives.Sum(x);
        TensorPrimitives.Multiply(x, 1f / sum, x);
    }

    private static void Softmax512(Span<float> x)
    {
        ref float start = ref MemoryMarshal.GetReference(x);
        int full = x.Length & ~15;
        int rest = x.Length - full;

        // The last partial vector, its elements in lanes 0 .. rest - 1 and -inf (whose exponential is 0) above. From
        // a whole vector ending at the last element, its lanes moved down, when there is one: a copy through the stack
        // (zeroed, filled, copied in and out) cost more than a short history's arithmetic, and attention runs one per
        // token, head and layer.
        var negativeInfinity = Vector512.Create(float.NegativeInfinity);
        var lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var inTail = Vector512.LessThan(lanes, Vector512.Create(rest)).AsSingle();
        var toTail = lanes + Vector512.Create(16 - rest);
        Vector512<float> last;
        if (rest == 0)
        {
            last = negativeInfinity;
        }
        else if (full > 0)
        {
            var end = Vector512.LoadUnsafe(ref start, (nuint)(x.Length - 16));
            last = Vector512.ConditionalSelect(inTail, Avx512F.PermuteVar16x32(end, toTail), negativeInfinity);
        }
        else
        {
            last = SoftmaxShortTail(x);
        }

        var highest = last;
        for (int i = 0; i < full; i += 16)
        {
            highest = Vector512.Max(highest, Vector512.LoadUnsafe(ref start, (nuint)i));
        }

        // The largest lane: the same value whatever order the lanes are compared in.
        var half = Vector256.Max(highest.GetLower(), highest.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        quarter = Vector128.Max(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        float max = MathF.Max(quarter.ToScalar(), quarter.GetElement(1));

        var shift = Vector512.Create(max);
        var total = Vector512<float>.Zero;
        for (int i = 0; i < full; i += 16)
        {
            var e = Vector512.Exp(Vector512.LoadUnsafe(ref start, (nuint)i) - shift);
            e.StoreUnsafe(ref start, (nuint)i);
            total += e;
        }

        last = Vector512.Exp(last - shift);
        total += last;
        var scale = Vector512.Create(1f / Vector512.Sum(total));
        for (int i = 0; i < full; i += 16)
        {
            (Vector512.LoadUnsafe(ref start, (nuint)i) * scale).StoreUnsafe(ref start, (nuint)i);
        }

        if (rest == 0)
        {
            return;
        }

        var scaled = last * scale;
        if (full > 0)
        {
            // Lanes 0 .. rest - 1 go back up to the vector's end; the lanes below it keep what the loop stored.
            var fromTail = Vector512.Create(rest - 16) + lanes;
            var back = Avx512F.PermuteVar16x32(scaled, fromTail);
            var keep = Vector512.LessThan(lanes, Vector512.Create(16 - rest)).AsSingle();
            Vector512.ConditionalSelect(keep, Vector512.LoadUnsafe(ref start, (nuint)(x.Length - 16)), back).StoreUnsafe(ref start, (nuint)(x.Length - 16));
        }
        else
        {
            for (int i = 0; i < rest; i++)
            {
                x[i] = scaled.GetElement(i);
            }
        }
    }

    /// <summary>Fewer than 16 elements: lanes 0 .. length - 1, -inf above.</summary>
    private static Vector512<float> SoftmaxShortTail(ReadOnlySpan<float> x)
    {
        Span<float> tail = stackalloc float[16];
        tail.Fill(float.NegativeInfinity);
        x.CopyTo(tail);
        return Vector512.Create<float>(tail);
    }

    /// <summary>
    /// destination = silu(gate) * up, the SwiGLU activation, where silu(g) = g * sigmoid(g); destination may be gate.
    /// </summary>
    /// <remarks>
    /// With 512-bit vectors one fused pass, the same operations in the same order as TensorPrimitives' sigmoid and two
    /// multiplies (so the same bits), without their two extra passes over the row: at batch 16 this stage ran every
    /// layer over 16 rows of the feed-forward width.
    /// </remarks>
    public static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination)
    {
        if (up.Length != gate.Length || destination.Length != gate.Length)
        {
            throw new ArgumentException("gate, up and destination must have the same length.", nameof(up));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            int full = gate.Length - (gate.Length % 16);
            ref var g = ref MemoryMarshal.GetReference(gate);
            ref var u = ref MemoryMarshal.GetReference(up);
            ref var d = ref MemoryMarshal.GetReference(destination);
            for (int i = 0; i < full; i += 16)
            {
                SiluMul512(Vector512.LoadUnsafe(ref g, (nuint)i), Vector512.LoadUnsafe(ref u, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            if (full < gate.Length)
            {
                // The tail through a zero-padded vector, so every element gets the same arithmetic.
                Span<float> tailGate = stackalloc float[16];
                Span<float> tailUp = stackalloc float[16];
                int rest = gate.Length - full;
                gate[full..].CopyTo(tailGate);
                up[full..].CopyTo(tailUp);
                SiluMul512(Vector512.Create<float>(tailGate), Vector512.Create<float>(tailUp)).CopyTo(tailGate);
                tailGate[..rest].CopyTo(destination[full..]);
            }

            return;
        }

        Span<float> sigmoid = stackalloc float[Chunk];
        for (int i = 0; i < gate.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, gate.Length - i);
            var s = sigmoid[..len];
            var d = destination.Slice(i, len);
            TensorPrimitives.Sigmoid(gate.Slice(i, len), s);
            TensorPrimitives.Multiply(gate.Slice(i, len), s, d);
            TensorPrimitives.Multiply(d, up.Slice(i, len), d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SiluMul512(Vector512<float> gate, Vector512<float> up)
    {
        var sigmoid = Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-gate));
        return gate * sigmoid * up;
    }

    /// <summary>y += x.</summary>
    public static void Add(Span<float> y, ReadOnlySpan<float> x) => TensorPrimitives.Add(y, x, y);

    /// <summary>Dot product of a float vector with an fp16 vector (attention scores against the KV cache).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<Half> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("a and b must have the same length.", nameof(b));
        }

        Span<float> widened = stackalloc float[Chunk];
        float sum = 0;
        for (int i = 0; i < a.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, a.Length - i);
            TensorPrimitives.ConvertToSingle(b.Slice(i, len), widened[..len]);
            sum += TensorPrimitives.Dot(a.Slice(i, len), widened[..len]);
        }

        return sum;
    }

    /// <summary>y += scale * x, with x in fp16 (attention-weighted sum of cached values).</summary>
    public static void AddScaled(Span<float> y, ReadOnlySpan<Half> x, float scale)
    {
        if (y.Length != x.Length)
        {
            throw new ArgumentException("y and x must have the same length.", nameof(x));
        }

        Span<float> widened = stackalloc float[Chunk];
        for (int i = 0; i < y.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, y.Length - i);
            var target = y.Slice(i, len);
            TensorPrimitives.ConvertToSingle(x.Slice(i, len), widened[..len]);
            TensorPrimitives.MultiplyAdd(widened[..len], scale, target, target);
        }
    }

    /// <summary>
    /// Sixteen fp16 bit patterns to fp32, exactly (subnormals, infinities and NaN payloads included). The half is
    /// sign-extended and shifted so its exponent and mantissa sit where a float's do, with the sign on top; scaling by
    /// 2^112 then rebiases the exponent and normalizes subnormals in one exact multiply. Only exponent 31 (Inf/NaN)
    /// lands finite (2^16 and up), so it gets the float's all-ones exponent back. Fewer operations than masking sign
    /// and magnitude apart and putting each back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HalfToSingle(Vector256<ushort> half)
    {
        var wide = Avx512F.ConvertToVector512Int32(half.AsInt16());
        var special = Vector512.Equals(wide & Vector512.Create(0x7C00), Vector512.Create(0x7C00));
        return (Rebias(wide).AsInt32() | (special & Vector512.Create(0x7F800000))).AsSingle();
    }

    /// <summary>
    /// <see cref="HalfToSingle"/> without the Inf/NaN fix-up: exact for every finite half (zeros, subnormals and
    /// normals), while exponent 31 lands on finite values of 2^16 and up. Only for memory known to hold no such half
    /// (<see cref="AnyNonFinite"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FiniteHalfToSingle(Vector256<ushort> half) => Rebias(Avx512F.ConvertToVector512Int32(half.AsInt16()));

    /// <summary>Sign-extended halves to floats, exactly for every finite one (see <see cref="HalfToSingle"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Rebias(Vector512<int> wide)
    {
        var bits = (wide << 13) & Vector512.Create(unchecked((int)0x8FFFFFFF));
        return bits.AsSingle() * Vector512.Create(BitConverter.Int32BitsToSingle((127 + 112) << 23));
    }

    /// <summary>Whether any of <paramref name="halves"/> is an infinity or a NaN (exponent bits all ones).</summary>
    public static bool AnyNonFinite(ReadOnlySpan<Half> halves)
    {
        var bits = MemoryMarshal.Cast<Half, ushort>(halves);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var exponent = Vector512.Create((ushort)0x7C00);
            var found = Vector512<ushort>.Zero;
            for (; i + 32 <= bits.Length; i += 32)
            {
                found |= Vector512.Equals(Vector512.Create(bits.Slice(i, 32)) & exponent, exponent);
            }

            if (found != Vector512<ushort>.Zero)
            {
                return true;
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & 0x7C00) == 0x7C00)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>fp32 -> fp16, round to nearest even.</summary>
    public static void ConvertToHalf(ReadOnlySpan<float> source, Span<Half> destination) => TensorPrimitives.ConvertToHalf(source, destination);

    /// <summary>fp16 -> fp32 (exact, every bit pattern; NaNs stay NaN).</summary>
    /// <remarks>
    /// Attention widens the F16 KV history of every sequence every decode step, so this is on the hot path; see
    /// <see cref="HalfToSingle"/> for how. .NET exposes no vcvtph2ps.
    /// </remarks>
    public static unsafe void ConvertToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination is shorter than source.", nameof(destination));
        }

        int i = 0;
        if (Avx512F.IsSupported)
        {
            fixed (Half* src = source)
            fixed (float* dst = destination)
            {
                for (; i + 16 <= source.Length; i += 16)
                {
                    HalfToSingle(Vector256.Load((ushort*)src + i)).Store(dst + i);
                }
            }
        }

        if (i < source.Length)
        {
            TensorPrimitives.ConvertToSingle(source[i..], destination[i..]);
        }
    }
}
