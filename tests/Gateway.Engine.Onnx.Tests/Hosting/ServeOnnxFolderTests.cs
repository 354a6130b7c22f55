using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Engine.Onnx.Export;

namespace Gateway.Engine.Onnx.Tests.Hosting;

/// <summary><c>gateway --model DIR</c> serves an exported folder through ONNX Runtime behind the same API as GGUF models.</summary>
public sealed class ServeOnnxFolderTests
{
    [Fact]
    public async Task Exported_stories_fp32_served_from_its_folder_completes_the_empty_prompt_with_the_documented_text()
    {
        using var server = await GatewayServer.StartAsync(ExportedModels.Stories(ExportPrecision.Fp32));
        using var http = new HttpClient { BaseAddress = server.Address };

        using var models = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));
        var card = models.RootElement.GetProperty("data")[0];
        Assert.Equal("onnxruntime", card.GetProperty("engine").GetString());

        using var response = await http.PostAsJsonAsync(new Uri("/v1/completions", UriKind.Relative),
            new { model = card.GetProperty("id").GetString(), prompt = "", max_tokens = 60, temperature = 0 });
        response.EnsureSuccessStatusCode();
        using var completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(StoriesExportTests.Golden, completion.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(60, completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public void A_folder_that_is_not_a_model_stops_the_gateway_at_start_with_one_line_and_exit_code_2()
    {
        var folder = ExportedModels.CopyOf(ExportedModels.Stories(ExportPrecision.Fp32));
        File.Delete(Path.Combine(folder, "model.onnx"));
        var (exitCode, stderr) = GatewayServer.RunToExit("--model", folder, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("decoder file 'model.onnx' named by genai_config.json is missing", line);
    }
}
