using System.Runtime.InteropServices;
using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Onnx.Export;

/// <summary>
/// One weight matrix as GGUF stores it: <see cref="Rows"/> output features of <see cref="Columns"/> inputs each
/// ([out][in], which is also MatMulNBits' B order). Either still in the file's encoding or expanded to floats.
/// </summary>
internal sealed class GgufMatrix
{
    private GgufMatrix(int rows, int columns, GgmlType type, byte[]? encoded, float[]? values)
    {
        Rows = rows;
        Columns = columns;
        Type = type;
        Encoded = encoded;
        Values = values;
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>The file's encoding, or F32 once expanded.</summary>
    public GgmlType Type { get; }

    /// <summary>The file's bytes when <see cref="Type"/> is not F32.</summary>
    public byte[]? Encoded { get; }

    public float[]? Values { get; }

    public static GgufMatrix Read(GgufFile file, string name, int rows, int columns)
    {
        var info = file.GetTensor(name);
        if (info.Dimensions.Length != 2 || info.Dimensions[0] != columns || info.Dimensions[1] != rows)
        {
            throw new ModelLoadException(file.Path,
                $"tensor '{name}' has shape [{string.Join(", ", info.Dimensions)}], expected [{columns}, {rows}]");
        }

        if (!GgmlTypeTraits.IsSupported(info.Type))
        {
            throw new ModelLoadException(file.Path, $"tensor '{name}' has type {GgmlTypeTraits.Name(info.Type)}, which cannot be exported");
        }

        return info.Type == GgmlType.F32
            ? new GgufMatrix(rows, columns, GgmlType.F32, null, MemoryMarshal.Cast<byte, float>(file.GetTensorBytes(info)).ToArray())
            : new GgufMatrix(rows, columns, info.Type, file.GetTensorBytes(info).ToArray(), null);
    }

    public static float[] ReadVector(GgufFile file, string name, int length)
    {
        var info = file.GetTensor(name);
        if (info.ElementCount != length)
        {
            throw new ModelLoadException(file.Path, $"tensor '{name}' has {info.ElementCount} elements, expected {length}");
        }

        var values = new float[length];
        Dequantizer.DequantizeRow(info.Type, file.GetTensorBytes(info), values);
        return values;
    }

    public static float[]? ReadOptionalVector(GgufFile file, string name, int length) =>
        file.TryGetTensor(name, out _) ? ReadVector(file, name, length) : null;

    public static GgufMatrix FromValues(int rows, int columns, float[] values) => new(rows, columns, GgmlType.F32, null, values);

    /// <summary>The matrix as floats, [Rows][Columns].</summary>
    public float[] ToFloats()
    {
        if (Values is not null)
        {
            return Values;
        }

        var values = new float[(long)Rows * Columns];
        var rowBytes = (int)GgmlTypeTraits.RowBytes(Type, Columns);
        for (var r = 0; r < Rows; r++)
        {
            Dequantizer.DequantizeRow(Type, Encoded.AsSpan(r * rowBytes, rowBytes), values.AsSpan(r * Columns, Columns));
        }

        return values;
    }
}
