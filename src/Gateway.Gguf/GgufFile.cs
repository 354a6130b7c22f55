using System.IO.MemoryMappedFiles;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Gguf;

/// <summary>
/// A GGUF file (versions 2 and 3), memory-mapped read-only: metadata is parsed eagerly, tensor data is never copied onto
/// the managed heap — weights are used in place through <see cref="GetTensorData"/> pointers, so a model's resident
/// memory is the page cache, shared between processes that map the same file.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    private const uint Magic = 0x46554747; // "GGUF" read as little-endian uint32
    private const int DefaultAlignment = 32;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;
    private bool _disposed;

    private GgufFile(string path)
    {
        Path = path;
        var fileLength = new FileInfo(path).Length;
        if (fileLength < 24)
        {
            throw new ModelLoadException(path, $"not a GGUF file: only {fileLength} bytes");
        }

        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _base = p + _view.PointerOffset;
            FileLength = fileLength;

            var reader = new GgufReader(_base, fileLength, path);
            if (reader.ReadU32() != Magic)
            {
                throw new ModelLoadException(path, "not a GGUF file (bad magic)");
            }

            Version = reader.ReadU32();
            if (Version is not (2 or 3))
            {
                throw new ModelLoadException(path, $"unsupported GGUF version {Version} (2 and 3 are supported)");
            }

            var tensorCount = reader.ReadCount("tensor");
            var kvCount = reader.ReadCount("metadata");
            var metadata = new Dictionary<string, GgufMetadataValue>((int)kvCount, StringComparer.Ordinal);
            for (long i = 0; i < kvCount; i++)
            {
                var key = reader.ReadString();
                var type = (GgufValueType)reader.ReadU32();
                metadata[key] = reader.ReadValue(type);
            }

            Metadata = new GgufMetadata(metadata, path);
            Alignment = (int)Metadata.GetUInt32OrDefault("general.alignment", DefaultAlignment);
            if (Alignment <= 0 || (Alignment & (Alignment - 1)) != 0)
            {
                throw new ModelLoadException(path, $"general.alignment {Alignment} is not a power of two");
            }

            var infos = new List<(string Name, uint Type, long[] Dims, long Offset)>((int)tensorCount);
            for (long i = 0; i < tensorCount; i++)
            {
                var name = reader.ReadString();
                var nDims = reader.ReadU32();
                if (nDims > 4)
                {
                    throw new ModelLoadException(path, $"tensor '{name}' has {nDims} dimensions (at most 4 allowed)");
                }

                var dims = new long[nDims];
                for (var d = 0; d < nDims; d++)
                {
                    dims[d] = (long)reader.ReadU64();
                }

                infos.Add((name, reader.ReadU32(), dims, (long)reader.ReadU64()));
            }

            DataOffset = AlignUp(reader.Position, Alignment);
            _tensorsByName = new Dictionary<string, GgufTensorInfo>(infos.Count, StringComparer.Ordinal);
            var tensors = new List<GgufTensorInfo>(infos.Count);
            foreach (var (name, rawType, dims, offset) in infos)
            {
                var info = Describe(name, rawType, dims, offset);
                if (!_tensorsByName.TryAdd(name, info))
                {
                    throw new ModelLoadException(path, $"tensor '{name}' appears twice");
                }

                tensors.Add(info);
            }

            Tensors = tensors;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Path { get; }

    public uint Version { get; }

    public int Alignment { get; }

    public long FileLength { get; }

    /// <summary>Absolute file offset where tensor data begins; tensor offsets are relative to it.</summary>
    public long DataOffset { get; }

    public GgufMetadata Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Opens and validates a GGUF file; every problem is a <see cref="ModelLoadException"/> naming the file.</summary>
    public static GgufFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "file not found");
        }

        try
        {
            return new GgufFile(path);
        }
        catch (ModelLoadException)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OverflowException or ArgumentException)
        {
            throw new ModelLoadException(path, ex.Message, ex);
        }
    }

    public bool TryGetTensor(string name, out GgufTensorInfo info) => _tensorsByName.TryGetValue(name, out info!);

    public GgufTensorInfo GetTensor(string name) =>
        _tensorsByName.TryGetValue(name, out var info)
            ? info
            : throw new ModelLoadException(Path, $"missing tensor '{name}'");

    /// <summary>A pointer to the tensor's bytes inside the mapping; valid until this file is disposed.</summary>
    public byte* GetTensorData(GgufTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _base + DataOffset + info.Offset;
    }

    public ReadOnlySpan<byte> GetTensorBytes(GgufTensorInfo info) => new(GetTensorData(info), checked((int)info.ByteSize));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_base != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        _view?.Dispose();
        _map?.Dispose();
    }

    internal static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private GgufTensorInfo Describe(string name, uint rawType, long[] dims, long offset)
    {
        var type = (GgmlType)rawType;
        if (!GgmlTypeTraits.IsSupported(type))
        {
            throw new ModelLoadException(Path, $"tensor '{name}' has unsupported type {DescribeType(rawType)} " +
                "(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K)");
        }

        if (dims.Any(d => d <= 0))
        {
            throw new ModelLoadException(Path, $"tensor '{name}' has a non-positive dimension [{string.Join(", ", dims)}]");
        }

        long bytes;
        try
        {
            var rows = dims.Skip(1).Aggregate(1L, (a, b) => checked(a * b));
            bytes = checked(GgmlTypeTraits.RowBytes(type, dims.Length == 0 ? 1 : dims[0]) * rows);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw new ModelLoadException(Path, $"tensor '{name}' shape [{string.Join(", ", dims)}] does not fit type {GgmlTypeTraits.Name(type)}", ex);
        }

        if (offset % Alignment != 0)
        {
            throw new ModelLoadException(Path, $"tensor '{name}' data offset {offset} is not aligned to {Alignment}");
        }

        if (DataOffset + offset + bytes > FileLength)
        {
            throw new ModelLoadException(Path, $"truncated file: tensor '{name}' needs bytes up to {DataOffset + offset + bytes}, file has {FileLength}");
        }

        return new GgufTensorInfo(name, type, dims, offset, bytes);
    }

    private static string DescribeType(uint rawType) =>
        Enum.IsDefined(typeof(GgmlType), rawType) ? GgmlTypeTraits.Name((GgmlType)rawType) : $"ggml type #{rawType}";
}
