using System.Text;
using Gateway.Kernels;

namespace Gateway.Gguf;

/// <summary>
/// Writes GGUF v3 files (what the quantizer and the synthetic-model writer produce). Tensor data is streamed through
/// callbacks so a model far larger than the managed heap can be written one row block at a time.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<(string Key, GgufMetadataValue Value)> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];

    public GgufWriter(int alignment = 32)
    {
        Alignment = alignment;
        if (alignment != 32)
        {
            Set("general.alignment", GgufValueType.UInt32, (uint)alignment);
        }
    }

    public int Alignment { get; }

    public GgufWriter Set(string key, string value) => Set(key, GgufValueType.String, value);

    public GgufWriter Set(string key, uint value) => Set(key, GgufValueType.UInt32, value);

    public GgufWriter Set(string key, int value) => Set(key, GgufValueType.Int32, value);

    public GgufWriter Set(string key, float value) => Set(key, GgufValueType.Float32, value);

    public GgufWriter Set(string key, bool value) => Set(key, GgufValueType.Bool, value);

    public GgufWriter Set(string key, string[] values) => SetArray(key, GgufValueType.String, values);

    public GgufWriter Set(string key, float[] values) => SetArray(key, GgufValueType.Float32, values);

    public GgufWriter Set(string key, int[] values) => SetArray(key, GgufValueType.Int32, values);

    /// <summary>Copies a value read from another file verbatim (the quantizer keeps every key it does not own).</summary>
    public GgufWriter Set(string key, GgufMetadataValue value)
    {
        _metadata.RemoveAll(kv => kv.Key == key);
        _metadata.Add((key, value));
        return this;
    }

    public GgufWriter Set(string key, GgufValueType type, object value) => Set(key, new GgufMetadataValue(type, value));

    private GgufWriter SetArray(string key, GgufValueType elementType, Array values) =>
        Set(key, new GgufMetadataValue(GgufValueType.Array, values, elementType));

    /// <summary>Adds a tensor whose <paramref name="byteSize"/> bytes <paramref name="writeData"/> will write when the file is saved.</summary>
    public GgufWriter AddTensor(string name, GgmlType type, long[] dimensions, Action<Stream> writeData)
    {
        var rows = dimensions.Skip(1).Aggregate(1L, (a, b) => a * b);
        var bytes = GgmlTypeTraits.RowBytes(type, dimensions[0]) * rows;
        _tensors.Add(new PendingTensor(name, type, dimensions, bytes, writeData));
        return this;
    }

    public GgufWriter AddTensor(string name, GgmlType type, long[] dimensions, ReadOnlyMemory<byte> data) =>
        AddTensor(name, type, dimensions, s => s.Write(data.Span));

    public void Save(string path)
    {
        var temp = path + ".partial";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Write(stream);
        }

        // Rename last so a crashed or cancelled write never leaves a truncated model under the real name.
        File.Move(temp, path, overwrite: true);
    }

    public void Write(Stream output)
    {
        using var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        w.Write(0x46554747u);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value);
        }

        long offset = 0;
        var offsets = new long[_tensors.Count];
        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            WriteString(w, t.Name);
            w.Write((uint)t.Dimensions.Length);
            foreach (var d in t.Dimensions)
            {
                w.Write((ulong)d);
            }

            w.Write((uint)t.Type);
            offsets[i] = offset;
            w.Write((ulong)offset);
            offset = GgufFile.AlignUp(offset + t.ByteSize, Alignment);
        }

        w.Flush();
        Pad(output, GgufFile.AlignUp(output.Position, Alignment));
        var dataStart = output.Position;
        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            var start = output.Position;
            t.WriteData(output);
            var written = output.Position - start;
            if (written != t.ByteSize)
            {
                throw new InvalidOperationException($"tensor '{t.Name}' wrote {written} bytes, expected {t.ByteSize}");
            }

            if (i + 1 < _tensors.Count)
            {
                Pad(output, dataStart + offsets[i + 1]);
            }
        }
    }

    private static void Pad(Stream output, long target)
    {
        while (output.Position < target)
        {
            output.WriteByte(0);
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufMetadataValue value)
    {
        if (value.Type == GgufValueType.Array)
        {
            var array = (Array)value.Value;
            w.Write((uint)value.ElementType);
            w.Write((ulong)array.Length);
            foreach (var element in array)
            {
                WriteScalar(w, value.ElementType, element!);
            }

            return;
        }

        WriteScalar(w, value.Type, value.Value);
    }

    private static void WriteScalar(BinaryWriter w, GgufValueType type, object v)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write(Convert.ToByte(v)); break;
            case GgufValueType.Int8: w.Write(Convert.ToSByte(v)); break;
            case GgufValueType.UInt16: w.Write(Convert.ToUInt16(v)); break;
            case GgufValueType.Int16: w.Write(Convert.ToInt16(v)); break;
            case GgufValueType.UInt32: w.Write(Convert.ToUInt32(v)); break;
            case GgufValueType.Int32: w.Write(Convert.ToInt32(v)); break;
            case GgufValueType.Float32: w.Write(Convert.ToSingle(v)); break;
            case GgufValueType.Bool: w.Write((bool)v ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)v); break;
            case GgufValueType.UInt64: w.Write(Convert.ToUInt64(v)); break;
            case GgufValueType.Int64: w.Write(Convert.ToInt64(v)); break;
            case GgufValueType.Float64: w.Write(Convert.ToDouble(v)); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a scalar GGUF type");
        }
    }

    private sealed record PendingTensor(string Name, GgmlType Type, long[] Dimensions, long ByteSize, Action<Stream> WriteData);
}
