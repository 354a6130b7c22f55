namespace Gateway.Inference;

/// <summary>
/// What every engine offers once a model is loaded, whatever it runs on: the model's description and its tokenizer. The
/// API needs only this much (templates, token counts, detokenizing); stepping sequences is <see cref="IModelRunner"/>'s
/// contract, kept apart because how KV memory is laid out differs per engine.
/// </summary>
public interface ILoadedModel : IDisposable
{
    ModelInfo Info { get; }

    ITokenizer Tokenizer { get; }
}
