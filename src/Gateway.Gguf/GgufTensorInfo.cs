using Gateway.Kernels;

namespace Gateway.Gguf;

/// <summary>A tensor's descriptor: ggml order dimensions (<c>Dimensions[0]</c> is the contiguous one, the row length).</summary>
public sealed record GgufTensorInfo(string Name, GgmlType Type, long[] Dimensions, long Offset, long ByteSize)
{
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dimensions)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>Elements per row (the contiguous dimension).</summary>
    public long Columns => Dimensions.Length == 0 ? 1 : Dimensions[0];

    /// <summary>Number of rows: the product of every dimension but the first.</summary>
    public long Rows => Dimensions.Length == 0 ? 1 : ElementCount / Dimensions[0];
}
