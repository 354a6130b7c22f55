namespace Gateway.Kernels;

/// <summary>The rounding helpers of ggml's reference quantizers, reproduced bit for bit.</summary>
internal static class GgmlRounding
{
    /// <summary>ggml's nearest_int: adding 1.5*2^23 leaves round-half-to-even of the value in the low mantissa bits.</summary>
    public static int NearestInt(float value)
    {
        float shifted = value + 12582912f;
        int bits = BitConverter.SingleToInt32Bits(shifted);
        return (bits & 0x007fffff) - 0x00400000;
    }

    public static ushort ToHalfBits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>fp32 -> fp16 -> fp32, the value a reader of the stored scale will see.</summary>
    public static float RoundTripHalf(float value) => (float)(Half)value;
}
