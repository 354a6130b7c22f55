namespace Gateway.Tests.Cli;

/// <summary>The executable's verbs, run as processes: real output, real exit codes, no stack traces.</summary>
public sealed class CliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Generate_streams_the_known_greedy_story()
    {
        var (exit, stdout, stderr) = GatewayProcess.Run(Timeout, "generate", "--model", TestModels.Path("stories260K.gguf"), "--max-tokens", "60");
        Assert.True(exit == 0, stderr);
        Assert.StartsWith(" Once upon a time, there was a little girl named Lily.", stdout, StringComparison.Ordinal);
        Assert.Contains("60 generated", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_then_generate_with_the_int4_model()
    {
        var q4 = Path.Combine(_dir, "stories-q4_0.gguf");
        var (exit, stdout, stderr) = GatewayProcess.Run(Timeout, "quantize", TestModels.Path("stories260K.gguf"), q4, "--type", "Q4_0");
        Assert.True(exit == 0, stderr);
        Assert.Contains("-> Q4_0", stdout, StringComparison.Ordinal);
        (exit, stdout, stderr) = GatewayProcess.Run(Timeout, "generate", "--model", q4, "--prompt", "Once upon a time", "--max-tokens", "20");
        Assert.True(exit == 0, stderr);
        Assert.False(string.IsNullOrWhiteSpace(stdout));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("missing")]
    public void A_bad_model_file_is_one_clear_line_and_a_nonzero_exit(string kind)
    {
        var path = Path.Combine(_dir, kind + ".gguf");
        switch (kind)
        {
            case "truncated":
                var bytes = File.ReadAllBytes(TestModels.Path("stories260K.gguf"));
                File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
                break;
            case "garbage":
                File.WriteAllText(path, "not a model, just text that is long enough to have a header");
                break;
        }

        var (exit, _, stderr) = GatewayProcess.Run(Timeout, "generate", "--model", path, "--max-tokens", "5");
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: {path}: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Hash_key_prints_the_sha256_hex()
    {
        var (exit, stdout, _) = GatewayProcess.Run(Timeout, "hash-key", "sk-test");
        Assert.Equal(0, exit);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("sk-test"u8)), stdout.Trim());
    }
}
