namespace Gateway.Tokenizers;

/// <summary>The families of pre-tokenizer expressions llama.cpp knows, several <c>tokenizer.ggml.pre</c> names each.</summary>
internal enum BpePreTokenizerKind
{
    Default,
    Gpt2,
    Llama3,
    Qwen2,
    StarCoder,
    DeepSeekLlm,
    DeepSeekCoder,
    Falcon,
    Bloom,
}
