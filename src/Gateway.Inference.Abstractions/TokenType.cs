namespace Gateway.Inference;

/// <summary>Token kinds as numbered in GGUF's <c>tokenizer.ggml.token_type</c> array (llama.cpp's <c>llama_token_type</c>).</summary>
public enum TokenType
{
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
