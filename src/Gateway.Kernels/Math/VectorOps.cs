using System.Numerics.Tensors;

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
    public static void Softmax(Span<float> x)
    {
        if (x.IsEmpty)
        {
            return;
        }

        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, x);
        TensorPrimitives.Exp(x, x);
        float sum = TensorPrimitives.Sum(x);
        TensorPrimitives.Multiply(x, 1f / sum, x);
    }

    /// <summary>gate = silu(gate) * up, the SwiGLU activation, where silu(g) = g * sigmoid(g).</summary>
    public static void SiluMul(Span<float> gate, ReadOnlySpan<float> up)
    {
        if (up.Length != gate.Length)
        {
            throw new ArgumentException("gate and up must have the same length.", nameof(up));
        }

        Span<float> sigmoid = stackalloc float[Chunk];
        for (int i = 0; i < gate.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, gate.Length - i);
            var g = gate.Slice(i, len);
            var s = sigmoid[..len];
            TensorPrimitives.Sigmoid(g, s);
            TensorPrimitives.Multiply(g, s, g);
            TensorPrimitives.Multiply(g, up.Slice(i, len), g);
        }
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

    /// <summary>fp32 -> fp16, round to nearest even.</summary>
    public static void ConvertToHalf(ReadOnlySpan<float> source, Span<Half> destination) => TensorPrimitives.ConvertToHalf(source, destination);

    /// <summary>fp16 -> fp32 (exact).</summary>
    public static void ConvertToSingle(ReadOnlySpan<Half> source, Span<float> destination) => TensorPrimitives.ConvertToSingle(source, destination);
}
