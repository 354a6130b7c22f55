namespace Gateway.Kernels;

/// <summary>
/// Drives the GEMM micro-kernels over a row range of a packed matrix: groups of 16 weight rows in chunks that stay in
/// L1 while every tile of 8 tokens meets them, each (group, tile) one kernel call. Every token always goes through the
/// same kernel arithmetic whatever tile it sits in and however many tokens share the call, so results do not depend on
/// batch composition.
/// </summary>
internal static unsafe class PackedMatMul
{
    /// <summary>Weight bytes per chunk of groups: with a tile of activations it fits a 48 KiB L1.</summary>
    private const int ChunkBytes = 32 * 1024;

    public static void MultiplyRange(PackedWeights w, Activations x, float* y, int rowStart, int rowEnd, KernelTable kernels) =>
        MultiplyRange(w, x, y, rowStart, rowEnd, kernels, 0, x.Count);

    /// <summary>
    /// Weight rows [rowStart, rowEnd) for tokens [tokenStart, tokenEnd) only. A range may start or end inside a tile:
    /// the kernel is then pointed at the range's first token in the tile (each token's quads, scale and sums sit at a
    /// fixed offset, the way the kernels split their own tiles), so a token's arithmetic does not depend on the range.
    /// </summary>
    public static void MultiplyRange(PackedWeights w, Activations x, float* y, int rowStart, int rowEnd, KernelTable kernels, int tokenStart, int tokenEnd)
    {
        if (tokenStart >= tokenEnd)
        {
            return;
        }

        var kernel = kernels.Gemm(w.Type);
        int rows = w.Rows;
        int blocks = w.BlocksPerRow;
        int firstGroup = rowStart / PackedLayout.GroupRows;
        int endGroup = (rowEnd + PackedLayout.GroupRows - 1) / PackedLayout.GroupRows;
        int chunk = (int)Math.Max(1, ChunkBytes / w.GroupBytes);
        int firstTile = tokenStart / PackedLayout.TileTokens;
        int endTile = Activations.TileCount(tokenEnd);
        float* partial = stackalloc float[PackedLayout.TileTokens * PackedLayout.GroupRows];
        for (int chunkStart = firstGroup; chunkStart < endGroup; chunkStart += chunk)
        {
            int chunkEnd = Math.Min(endGroup, chunkStart + chunk);
            for (int tile = firstTile; tile < endTile; tile++)
            {
                var x8 = x.Tile(tile).From(Math.Max(0, tokenStart - (tile * PackedLayout.TileTokens)));
                int first = Math.Max(tokenStart, tile * PackedLayout.TileTokens);
                int tokens = Math.Min((tile + 1) * PackedLayout.TileTokens, tokenEnd) - first;
                for (int g = chunkStart; g < chunkEnd; g++)
                {
                    int r0 = g * PackedLayout.GroupRows;
                    if (r0 >= rowStart && r0 + PackedLayout.GroupRows <= rowEnd)
                    {
                        kernel(w.Group(g), blocks, x8.Quants, x8.Scales, x8.Sums, tokens, y + (nint)first * rows + r0, rows);
                        continue;
                    }

                    // A group cut by the range or the matrix end: compute all 16 rows aside, keep the wanted ones.
                    kernel(w.Group(g), blocks, x8.Quants, x8.Scales, x8.Sums, tokens, partial, PackedLayout.GroupRows);
                    int from = Math.Max(r0, rowStart), to = Math.Min(r0 + PackedLayout.GroupRows, rowEnd);
                    for (int t = 0; t < tokens; t++)
                    {
                        for (int r = from; r < to; r++)
                        {
                            y[(nint)(first + t) * rows + r] = partial[t * PackedLayout.GroupRows + r - r0];
                        }
                    }
                }
            }
        }
    }
}
