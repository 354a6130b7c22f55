using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Hosting;

/// <summary>
/// A first run needs nothing: the default model and synth's tokenizers ship beside the executable, so the gateway serves
/// and synth works from an empty folder with an empty HOME and no network.
/// </summary>
public sealed class DefaultModelTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("gateway-first-run").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task With_no_configuration_the_shipped_default_model_is_served()
    {
        var cwd = Directory.CreateDirectory(Path.Combine(_work, "cwd")).FullName;
        var home = Directory.CreateDirectory(Path.Combine(_work, "home")).FullName;
        using var server = await GatewayServerProcess.StartWithoutConfigurationAsync(cwd, home);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = "stories260K", prompt = "", max_tokens = 12, temperature = 0 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("text").GetString();
        Assert.StartsWith(" Once upon a time", text, StringComparison.Ordinal);
        Assert.Contains($"Using model {Path.Combine(AppContext.BaseDirectory, "models", "stories260K.gguf")}", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories), e => e.Contains("llm-gateway", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Synth_finds_its_default_tokenizer_beside_the_executable_from_any_folder()
    {
        // The output folder does not exist, so the run fails right after the tokenizer check: quick, and the error says
        // which step failed.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _work };
        foreach (var a in new[] { GatewayProcess.AssemblyPath, "synth", Path.Combine(_work, "missing", "x.gguf"), "--shape", "llama-134m", "--type", "Q8_0" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;

        Assert.NotEqual(0, process.ExitCode);
        Assert.DoesNotContain("tokenizer file", stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_work, "missing"), stderr, StringComparison.Ordinal);
    }
}
