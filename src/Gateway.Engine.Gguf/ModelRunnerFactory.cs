using Gateway.Engine.Gguf.Llama;
using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Tokenizers;

namespace Gateway.Engine.Gguf;

/// <summary>Opens a GGUF file and builds the runner for its architecture, validating everything at load time.</summary>
public static class ModelRunnerFactory
{
    public static IModelRunner Load(string path, ModelRunnerOptions options)
    {
        var file = GgufFile.Open(path);
        try
        {
            var arch = file.Metadata.GetStringOrDefault("general.architecture")
                ?? throw new ModelLoadException(path, "missing metadata key 'general.architecture'");
            if (!LlamaHyperparameters.SupportedArchitectures.Contains(arch))
            {
                throw new ModelLoadException(path,
                    $"unknown architecture '{arch}' (supported: {string.Join(", ", LlamaHyperparameters.SupportedArchitectures)})");
            }

            return new LlamaModelRunner(file, TokenizerFactory.FromGguf(file), options);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
