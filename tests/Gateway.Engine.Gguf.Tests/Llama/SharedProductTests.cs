using System.Runtime.InteropServices;
using Gateway.Engine.Gguf.Llama;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Tests.Llama;

public sealed unsafe class SharedProductTests
{
    [Theory]
    [InlineData(GgmlType.Q4_0, 1000, SharedProduct.PieceRows)] // the last piece cut short
    [InlineData(GgmlType.Q4_0, 1000, 40)] // pieces that cut the kernels' 16-row groups (as a caller's piece size may)
    [InlineData(GgmlType.Q8_0, 64, SharedProduct.PieceRows)] // a single piece
    [InlineData(GgmlType.F32, 300, 64)] // unpacked rows take the same path
    public void Products_shared_with_a_helper_give_every_row_the_bits_of_one_thread(GgmlType type, int rows, int pieceRows)
    {
        const int cols = 256;
        const int from = 3;
        const int to = 13; // a slice that starts and ends inside tiles
        var rowBytes = (int)GgmlTypeTraits.RowBytes(type, cols);
        var data = (byte*)NativeMemory.Alloc((nuint)(rows * rowBytes));
        try
        {
            var random = new Random(7);
            for (var r = 0; r < rows; r++)
            {
                var values = Enumerable.Range(0, cols).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                var bytes = new byte[rowBytes];
                Quantizer.QuantizeRow(type, values, bytes);
                bytes.CopyTo(new Span<byte>(data + ((long)r * rowBytes), rowBytes));
            }

            var plain = new WeightMatrix(data, type, rows, cols);
            var w = PackedWeights.Supports(type) ? plain.WithPackedCopy() : plain;
            using var x = new Activations(16, cols);
            for (var t = 0; t < 16; t++)
            {
                var row = x.Row(t);
                for (var c = 0; c < cols; c++)
                {
                    row[c] = (float)Math.Sin((t * 31) + c);
                }
            }

            x.QuantizeRange(0, 16);
            var expected = new float[16 * rows];
            MatMul.MultiplyTokens(w, x, expected, from, to);

            // Several products in a row through one instance (generations), with a helper taking runs from the back
            // as fast as it can the whole time while the owner takes pieces from the front.
            var product = new SharedProduct();
            var stop = 0;
            var started = 0;
            var helped = 0;
            var helper = new Thread(() =>
            {
                Volatile.Write(ref started, 1);
                while (Volatile.Read(ref stop) == 0)
                {
                    if (product.TryHelp(1))
                    {
                        Interlocked.Increment(ref helped);
                    }
                }
            });
            helper.Start();
            while (Volatile.Read(ref started) == 0)
            {
                Thread.Yield();
            }

            try
            {
                for (var round = 0; round < 20; round++)
                {
                    var actual = new float[16 * rows];
                    if (pieceRows == SharedProduct.PieceRows)
                    {
                        product.Run(w, x, actual, from, to);
                    }
                    else
                    {
                        fixed (float* y = actual)
                        {
                            product.Run(w, x, y, actual.Length, from, to, pieceRows);
                        }
                    }

                    for (var i = 0; i < actual.Length; i++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"round {round}, element {i} (runs helped so far: {Volatile.Read(ref helped)})");
                    }
                }
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                helper.Join();
            }

            w.Packed?.Dispose();
        }
        finally
        {
            NativeMemory.Free(data);
        }
    }

    [Fact]
    public void A_helper_finds_nothing_to_take_before_the_first_product_or_after_one_is_done()
    {
        var product = new SharedProduct();
        Assert.False(product.TryHelp(1));
    }
}
