using System.Buffers.Binary;
using System.Text;
using Gateway.Inference;

namespace Gateway.Gguf;

/// <summary>
/// A bounds-checked little-endian cursor over the mapped header. Every read checks the remaining length so a truncated
/// or corrupt file becomes a <see cref="ModelLoadException"/> naming the offset, never an access violation.
/// </summary>
internal unsafe struct GgufReader
{
    // Guards against absurd counts in corrupt headers before they turn into huge allocations.
    private const long MaxArrayLength = 1L << 28;
    private const long MaxStringBytes = 1L << 26;

    private readonly byte* _start;
    private readonly long _length;
    private readonly string _path;

    public GgufReader(byte* start, long length, string path)
    {
        _start = start;
        _length = length;
        _path = path;
        Position = 0;
    }

    public long Position { get; set; }

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || Position + count > _length)
        {
            throw new ModelLoadException(_path, $"truncated GGUF header: needed {count} bytes at offset {Position}, file has {_length}");
        }

        var span = new ReadOnlySpan<byte>(_start + Position, checked((int)count));
        Position += count;
        return span;
    }

    public byte ReadU8() => Take(1)[0];

    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public long ReadCount(string what)
    {
        var n = ReadU64();
        if (n > MaxArrayLength)
        {
            throw new ModelLoadException(_path, $"corrupt GGUF header: {what} count {n} at offset {Position - 8} is implausible");
        }

        return (long)n;
    }

    public string ReadString()
    {
        var n = ReadU64();
        if (n > MaxStringBytes)
        {
            throw new ModelLoadException(_path, $"corrupt GGUF header: string length {n} at offset {Position - 8}");
        }

        return Encoding.UTF8.GetString(Take((long)n));
    }

    public GgufMetadataValue ReadValue(GgufValueType type) => type switch
    {
        GgufValueType.Array => ReadArray(),
        GgufValueType.String => new GgufMetadataValue(type, ReadString()),
        _ => new GgufMetadataValue(type, ReadScalar(type)),
    };

    private object ReadScalar(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => Take(1)[0],
        GgufValueType.Int8 => (sbyte)Take(1)[0],
        GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(Take(2)),
        GgufValueType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(Take(2)),
        GgufValueType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(Take(4)),
        GgufValueType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(Take(4)),
        GgufValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(Take(4)),
        GgufValueType.Bool => Take(1)[0] != 0,
        GgufValueType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(Take(8)),
        GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(Take(8)),
        GgufValueType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(Take(8)),
        _ => throw new ModelLoadException(_path, $"corrupt GGUF header: unknown metadata value type {(uint)type} at offset {Position - 4}"),
    };

    private GgufMetadataValue ReadArray()
    {
        var elementType = (GgufValueType)ReadU32();
        var count = (int)ReadCount("array");
        Array values = elementType switch
        {
            GgufValueType.String => ReadMany(count, static (ref GgufReader r) => r.ReadString()),
            GgufValueType.Float32 => ReadMany(count, static (ref GgufReader r) => BinaryPrimitives.ReadSingleLittleEndian(r.Take(4))),
            GgufValueType.Int32 => ReadMany(count, static (ref GgufReader r) => BinaryPrimitives.ReadInt32LittleEndian(r.Take(4))),
            GgufValueType.UInt32 => ReadMany(count, static (ref GgufReader r) => BinaryPrimitives.ReadUInt32LittleEndian(r.Take(4))),
            GgufValueType.Array => throw new ModelLoadException(_path, "nested GGUF arrays are not supported"),
            _ => ReadMany(count, (ref GgufReader r) => r.ReadScalar(elementType)),
        };
        return new GgufMetadataValue(GgufValueType.Array, values, elementType);
    }

    private delegate T ElementReader<T>(ref GgufReader reader);

    private T[] ReadMany<T>(int count, ElementReader<T> read)
    {
        var result = new T[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = read(ref this);
        }

        return result;
    }
}
