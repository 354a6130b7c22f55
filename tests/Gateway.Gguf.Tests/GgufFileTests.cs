using Gateway.Engine.Gguf;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Gguf.Tests;

/// <summary>
/// Reading GGUF: typed metadata, tensor views, and — above all — that every kind of bad file fails at load with one
/// clear message naming the file and the problem.
/// </summary>
public sealed class GgufFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gguf-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reads_the_real_stories_model()
    {
        using var file = GgufFile.Open(SharedModels.Path("stories260K.gguf"));
        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Metadata.GetString("general.architecture"));
        Assert.Equal(64, file.Metadata.GetInt32("llama.embedding_length"));
        Assert.Equal(512, file.Metadata.GetArray<string>("tokenizer.ggml.tokens").Length);
        var embd = file.GetTensor("token_embd.weight");
        Assert.Equal(GgmlType.F32, embd.Type);
        Assert.Equal([64L, 512L], embd.Dimensions);
        Assert.Equal(64 * 512 * 4, file.GetTensorBytes(embd).Length);
    }

    [Fact]
    public void Writer_output_round_trips_metadata_and_tensor_bytes()
    {
        var path = Path.Combine(_dir, "roundtrip.gguf");
        var data = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
        new GgufWriter()
            .Set("general.architecture", "llama")
            .Set("a.u32", 7u)
            .Set("a.i32", -3)
            .Set("a.f32", 1.5f)
            .Set("a.bool", true)
            .Set("a.strings", ["x", "yz"])
            .Set("a.floats", [1f, 2f])
            .Set("a.ints", [4, 5, 6])
            .AddTensor("t", GgmlType.F32, [32, 2], bytes)
            .AddTensor("u", GgmlType.F32, [32], bytes.AsMemory(0, 128))
            .Save(path);

        using var file = GgufFile.Open(path);
        Assert.Equal(7, file.Metadata.GetInt64("a.u32"));
        Assert.Equal(-3, file.Metadata.GetInt32("a.i32"));
        Assert.Equal(1.5f, file.Metadata.GetSingle("a.f32"));
        Assert.True(file.Metadata.GetBoolOrDefault("a.bool", false));
        Assert.Equal(["x", "yz"], file.Metadata.GetArray<string>("a.strings"));
        Assert.Equal([1f, 2f], file.Metadata.GetArray<float>("a.floats"));
        Assert.Equal([4, 5, 6], file.Metadata.GetArray<int>("a.ints"));
        Assert.Equal(bytes, file.GetTensorBytes(file.GetTensor("t")).ToArray());
        Assert.Equal(bytes[..128], file.GetTensorBytes(file.GetTensor("u")).ToArray());
        Assert.Equal(0, file.DataOffset % file.Alignment);
    }

    [Fact]
    public void Not_a_gguf_file()
    {
        var path = Path.Combine(_dir, "junk.gguf");
        File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes("this is definitely not a model file at all"));
        AssertLoadFails(path, "bad magic");
    }

    [Fact]
    public void Truncated_file()
    {
        var path = Path.Combine(_dir, "truncated.gguf");
        var original = File.ReadAllBytes(SharedModels.Path("stories260K.gguf"));
        File.WriteAllBytes(path, original[..(original.Length / 2)]);
        AssertLoadFails(path, "truncated");
    }

    [Fact]
    public void Truncated_header()
    {
        var path = Path.Combine(_dir, "header.gguf");
        File.WriteAllBytes(path, File.ReadAllBytes(SharedModels.Path("stories260K.gguf"))[..100]);
        AssertLoadFails(path, "truncated");
    }

    [Fact]
    public void Unsupported_version()
    {
        var path = Path.Combine(_dir, "v9.gguf");
        var bytes = File.ReadAllBytes(SharedModels.Path("stories260K.gguf"));
        bytes[4] = 9;
        File.WriteAllBytes(path, bytes);
        AssertLoadFails(path, "unsupported GGUF version 9");
    }

    [Fact]
    public void Unknown_architecture()
    {
        var path = Rewrite("arch.gguf", w => w.Set("general.architecture", "mamba"));
        AssertLoadFails(path, "unknown architecture 'mamba'");
    }

    [Fact]
    public void Missing_tensor()
    {
        var path = Rewrite("missing.gguf", skipTensor: "blk.2.ffn_up.weight");
        AssertLoadFails(path, "missing tensor 'blk.2.ffn_up.weight'");
    }

    [Fact]
    public void Unsupported_tensor_type()
    {
        var path = Path.Combine(_dir, "q5.gguf");
        // ggml type 6 is Q5_0 (22-byte blocks of 32), which this engine does not implement.
        new GgufWriter().Set("general.architecture", "llama").AddTensor("t", GgmlType.F32, [32], new byte[128]).Save(path);
        var bytes = File.ReadAllBytes(path);
        var typeOffset = FindTensorTypeOffset(bytes, "t");
        BitConverter.GetBytes(6u).CopyTo(bytes, typeOffset);
        File.WriteAllBytes(path, bytes);
        AssertLoadFails(path, "unsupported type ggml type #6");
    }

    [Fact]
    public void Wrong_tensor_shape()
    {
        var path = Rewrite("shape.gguf", w => w.Set("llama.feed_forward_length", 100u));
        AssertLoadFails(path, "shape");
    }

    [Fact]
    public void Missing_file()
    {
        AssertLoadFails(Path.Combine(_dir, "nope.gguf"), "file not found");
    }

    private static void AssertLoadFails(string path, string problem)
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelRunnerFactory.Load(path, new ModelRunnerOptions { KvCacheMemoryMiB = 1 }).Dispose());
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    private string Rewrite(string name, Action<GgufWriter>? edit = null, string? skipTensor = null)
    {
        var path = Path.Combine(_dir, name);
        using var source = GgufFile.Open(SharedModels.Path("stories260K.gguf"));
        var writer = new GgufWriter();
        foreach (var key in source.Metadata.Keys)
        {
            writer.Set(key, source.Metadata[key]);
        }

        edit?.Invoke(writer);
        foreach (var t in source.Tensors.Where(t => t.Name != skipTensor))
        {
            var bytes = source.GetTensorBytes(t).ToArray();
            writer.AddTensor(t.Name, t.Type, t.Dimensions, bytes);
        }

        writer.Save(path);
        return path;
    }

    private static int FindTensorTypeOffset(byte[] bytes, string name)
    {
        // Tensor info: u64 name length, name, u32 n_dims, u64 dims..., u32 type.
        var needle = new byte[8 + name.Length];
        BitConverter.GetBytes((ulong)name.Length).CopyTo(needle, 0);
        System.Text.Encoding.ASCII.GetBytes(name).CopyTo(needle, 8);
        var at = bytes.AsSpan().IndexOf(needle);
        var dims = BitConverter.ToUInt32(bytes, at + needle.Length);
        return at + needle.Length + 4 + (int)(8 * dims);
    }
}
