namespace Gateway.Kernels;

/// <summary>
/// The reference GEMM kernels: plain C# over the packed layouts, computing each block's dot product with the signed
/// weights directly (no offset trick, no activation sums), so they check the SIMD kernels' integer arithmetic
/// independently. The float part is the contract every variant follows, which makes all variants bit-identical:
/// per token and row, in block order, <c>acc = fma((float)blockDot, weightScale * tokenScale, acc)</c>, and for the
/// affine 4-bit blocks (Q4_1, Q4_K) with the unsigned nibbles' dot, then
/// <c>acc = fma(weightMin, tokenScale * (float)tokenBlockSum, acc)</c>; for Q6_K's two scales per block, the dots of
/// columns 0-15 and 16-31 in that order, each with its own weight scale.
/// </summary>
/// <remarks>
/// Kernel arguments: a group's first block, blocks per row, the tile's quants / scales / sums already offset to the
/// first token, token count (1..<see cref="PackedLayout.TileTokens"/>), and where row r of token t goes: y[t * yStride + r]
/// for r &lt; 16.
/// </remarks>
internal static unsafe class GemmScalar
{
    public static void Q4_0(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
    {
        for (int t = 0; t < tokens; t++)
        {
            for (int r = 0; r < PackedLayout.GroupRows; r++)
            {
                float acc = 0;
                byte* block = group;
                for (int b = 0; b < blocks; b++, block += PackedLayout.Q4_0BlockBytes)
                {
                    byte* qs = block + PackedLayout.ScaleBytes + r * 4;
                    sbyte* x = xq + b * PackedLayout.TileBlockBytes + t * 4;
                    int dot = 0;
                    for (int c = 0; c < 4; c++)
                    {
                        for (int j = 0; j < 4; j++)
                        {
                            int v = qs[c * 64 + j];
                            dot += ((v & 0x0F) - PackedLayout.Q4_0Offset) * x[c * 32 + j];
                            dot += ((v >> 4) - PackedLayout.Q4_0Offset) * x[(c + 4) * 32 + j];
                        }
                    }

                    acc = MathF.FusedMultiplyAdd(dot, ((float*)block)[r] * xd[b * PackedLayout.TileTokens + t], acc);
                }

                y[t * yStride + r] = acc;
            }
        }
    }

    /// <summary>Affine nibbles (Q4_1, Q4_K packed): value = scale * q + min, q unsigned.</summary>
    public static void AffineQ4(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
    {
        for (int t = 0; t < tokens; t++)
        {
            for (int r = 0; r < PackedLayout.GroupRows; r++)
            {
                float acc = 0;
                byte* block = group;
                for (int b = 0; b < blocks; b++, block += PackedLayout.AffineQ4BlockBytes)
                {
                    byte* qs = block + PackedLayout.ScaleBytes + PackedLayout.MinBytes + r * 4;
                    sbyte* x = xq + b * PackedLayout.TileBlockBytes + t * 4;
                    int dot = 0;
                    for (int c = 0; c < 4; c++)
                    {
                        for (int j = 0; j < 4; j++)
                        {
                            int v = qs[c * 64 + j];
                            dot += (v & 0x0F) * x[c * 32 + j];
                            dot += (v >> 4) * x[(c + 4) * 32 + j];
                        }
                    }

                    float tokenScale = xd[b * PackedLayout.TileTokens + t];
                    acc = MathF.FusedMultiplyAdd(dot, ((float*)block)[r] * tokenScale, acc);
                    acc = MathF.FusedMultiplyAdd(((float*)block)[PackedLayout.GroupRows + r], tokenScale * xs[b * PackedLayout.TileSumInts + t], acc);
                }

                y[t * yStride + r] = acc;
            }
        }
    }

    /// <summary>Q6_K packed: signed values, two weight scales per block (columns 0-15, then 16-31).</summary>
    public static void Q6_K(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
    {
        for (int t = 0; t < tokens; t++)
        {
            for (int r = 0; r < PackedLayout.GroupRows; r++)
            {
                float acc = 0;
                byte* block = group;
                for (int b = 0; b < blocks; b++, block += PackedLayout.Q6_KBlockBytes)
                {
                    byte* qs = block + 2 * PackedLayout.ScaleBytes + r * 4;
                    sbyte* x = xq + b * PackedLayout.TileBlockBytes + t * 4;
                    float tokenScale = xd[b * PackedLayout.TileTokens + t];
                    for (int half = 0; half < 2; half++)
                    {
                        int dot = 0;
                        for (int q = 4 * half; q < 4 * half + 4; q++)
                        {
                            for (int j = 0; j < 4; j++)
                            {
                                dot += (qs[q * 64 + j] - PackedLayout.Q8_0Offset) * x[q * 32 + j];
                            }
                        }

                        acc = MathF.FusedMultiplyAdd(dot, ((float*)block)[half * PackedLayout.GroupRows + r] * tokenScale, acc);
                    }
                }

                y[t * yStride + r] = acc;
            }
        }
    }

    public static void Q8_0(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
    {
        for (int t = 0; t < tokens; t++)
        {
            for (int r = 0; r < PackedLayout.GroupRows; r++)
            {
                float acc = 0;
                byte* block = group;
                for (int b = 0; b < blocks; b++, block += PackedLayout.Q8_0BlockBytes)
                {
                    byte* qs = block + PackedLayout.ScaleBytes + r * 4;
                    sbyte* x = xq + b * PackedLayout.TileBlockBytes + t * 4;
                    int dot = 0;
                    for (int q = 0; q < 8; q++)
                    {
                        for (int j = 0; j < 4; j++)
                        {
                            dot += (qs[q * 64 + j] - PackedLayout.Q8_0Offset) * x[q * 32 + j];
                        }
                    }

                    acc = MathF.FusedMultiplyAdd(dot, ((float*)block)[r] * xd[b * PackedLayout.TileTokens + t], acc);
                }

                y[t * yStride + r] = acc;
            }
        }
    }
}
