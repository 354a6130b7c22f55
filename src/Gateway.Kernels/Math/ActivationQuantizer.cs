using System.Runtime.Intrinsics;

namespace Gateway.Kernels;

/// <summary>
/// fp32 -> int8 blocks of 32 (Q8_0 arithmetic, but with a float scale: the scale is never stored, so fp16 rounding
/// would only add error). Runs once per activation change on the calling thread, so it is vectorized too.
/// </summary>
internal static unsafe class ActivationQuantizer
{
    public static void QuantizeRow(float* x, int cols, sbyte* quants, float* scales, int* sums, float* scaledSums)
    {
        for (int b = 0; b < cols / BlockLayout.Qk; b++)
        {
            float* xb = x + b * BlockLayout.Qk;
            sbyte* qb = quants + b * BlockLayout.Qk;
            float amax = MaxAbs(xb);
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            int sum = Vector256.IsHardwareAccelerated ? RoundBlockVector(xb, id, qb) : RoundBlockScalar(xb, id, qb);
            scales[b] = d;
            sums[b] = sum;
            scaledSums[b] = d * sum;
        }
    }

    // Both paths round half to even, so every machine produces the same int8 activations. (ggml's roundf rounds
    // halves away from zero; these values are never stored, so only consistency matters.)
    internal static int RoundBlockScalar(float* xb, float id, sbyte* qb)
    {
        int sum = 0;
        for (int j = 0; j < BlockLayout.Qk; j++)
        {
            int q = (int)MathF.Round(xb[j] * id);
            qb[j] = (sbyte)q;
            sum += q;
        }

        return sum;
    }

    internal static int RoundBlockVector(float* xb, float id, sbyte* qb)
    {
        var scale = Vector256.Create(id);
        var q0 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb) * scale));
        var q1 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb + 8) * scale));
        var q2 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb + 16) * scale));
        var q3 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb + 24) * scale));
        // |q| <= 127, so narrowing (which keeps element order) loses nothing.
        Vector256.Narrow(Vector256.Narrow(q0, q1), Vector256.Narrow(q2, q3)).Store(qb);
        return Vector256.Sum((q0 + q1) + (q2 + q3));
    }

    private static float MaxAbs(float* xb)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.Max(
                Vector256.Max(Vector256.Abs(Vector256.Load(xb)), Vector256.Abs(Vector256.Load(xb + 8))),
                Vector256.Max(Vector256.Abs(Vector256.Load(xb + 16)), Vector256.Abs(Vector256.Load(xb + 24))));
            var h = Vector128.Max(m.GetLower(), m.GetUpper());
            float r = 0;
            for (int i = 0; i < 4; i++) r = MathF.Max(r, h.GetElement(i));
            return r;
        }

        float amax = 0;
        for (int j = 0; j < BlockLayout.Qk; j++) amax = MathF.Max(amax, MathF.Abs(xb[j]));
        return amax;
    }
}
