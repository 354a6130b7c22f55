using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Engine.Onnx.Export;
using Gateway.Engine.Onnx.Protobuf;
using Gateway.Engine.Onnx.Runtime;
using Google.Protobuf;

namespace Gateway.Engine.Onnx.Tests;

/// <summary>A model folder that cannot be served fails at load with one line naming the folder or file and the problem.</summary>
public sealed class BadFolderTests
{
    [Fact]
    public void A_folder_without_genai_config_is_refused()
    {
        var folder = ExportedModels.CopyOf(ExportedModels.Stories(ExportPrecision.Fp32));
        File.Delete(Path.Combine(folder, "genai_config.json"));
        Assert.Contains("no genai_config.json", Load(folder).Message);
    }

    [Fact]
    public void A_missing_decoder_file_is_refused()
    {
        var folder = ExportedModels.CopyOf(ExportedModels.Stories(ExportPrecision.Fp32));
        File.Delete(Path.Combine(folder, "model.onnx"));
        Assert.Contains("decoder file 'model.onnx' named by genai_config.json is missing", Load(folder).Message);
    }

    [Fact]
    public void An_operator_onnx_runtime_does_not_have_is_refused()
    {
        var folder = ExportedModels.CopyOf(ExportedModels.Stories(ExportPrecision.Fp32));
        var path = Path.Combine(folder, "model.onnx");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.Graph.Node.First(n => n.OpType == "Sigmoid").OpType = "NoSuchActivation";
        File.WriteAllBytes(path, model.ToByteArray());
        var message = Load(folder).Message;
        Assert.Contains("ONNX Runtime cannot load the decoder", message);
        Assert.Contains("NoSuchActivation", message);
    }

    [Fact]
    public void A_config_whose_shapes_disagree_with_the_graph_is_refused()
    {
        var folder = ExportedModels.CopyOf(ExportedModels.Stories(ExportPrecision.Fp32));
        var config = Path.Combine(folder, "genai_config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_key_value_heads\": 4", "\"num_key_value_heads\": 2", StringComparison.Ordinal));
        Assert.Contains("genai_config.json says 2 KV heads", Load(folder).Message);
    }

    [Fact]
    public void A_config_naming_tensors_the_graph_lacks_is_refused()
    {
        var folder = ExportedModels.CopyOf(ExportedModels.Stories(ExportPrecision.Fp32));
        var config = Path.Combine(folder, "genai_config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_hidden_layers\": 5", "\"num_hidden_layers\": 6", StringComparison.Ordinal));
        Assert.Contains("decoder has no input 'past_key_values.5.key'", Load(folder).Message);
    }

    [Fact]
    public void The_cuda_provider_is_refused_with_one_clear_line_where_this_build_has_none()
    {
        var message = Assert.Throws<ModelLoadException>(() => OnnxModelRunnerFactory.Load(
            ExportedModels.Stories(ExportPrecision.Fp32), new OnnxModelLoadOptions { KvCacheBlocks = 4 }, new OnnxRunnerOptions { ExecutionProvider = "cuda" })).Message;
        Assert.Contains("execution provider 'cuda' is not available", message);
        Assert.DoesNotContain('\n', message);
    }

    private static ModelLoadException Load(string folder)
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModelRunnerFactory.Load(folder, new OnnxModelLoadOptions { KvCacheBlocks = 4 }, new OnnxRunnerOptions()));
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }
}
