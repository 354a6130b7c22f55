using System.Text.Json;
using Gateway.Engine.Onnx.Tokenizers;

namespace Gateway.Engine.Onnx.Export;

/// <summary>Writes <c>genai_config.json</c> as ONNX Runtime GenAI's model builder does for a decoder-only model.</summary>
internal static class GenAiConfigWriter
{
    public const string FileName = "genai_config.json";

    public static void Write(string directory, DecoderShape shape, GgufVocabulary vocab, string modelFile)
    {
        using var stream = File.Create(Path.Combine(directory, FileName));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("model");
        json.WriteNumber("bos_token_id", vocab.BosId);
        json.WriteNumber("context_length", shape.ContextLength);
        json.WriteStartObject("decoder");
        json.WriteStartObject("session_options");
        json.WriteString("log_id", "onnxruntime-genai");
        json.WriteStartArray("provider_options");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteString("filename", modelFile);
        json.WriteNumber("head_size", shape.PaddedHeadDim);
        json.WriteNumber("hidden_size", shape.Hidden);
        json.WriteStartObject("inputs");
        json.WriteString("input_ids", DecoderGraph.InputIds);
        json.WriteString("attention_mask", DecoderGraph.AttentionMask);
        json.WriteString("past_key_names", "past_key_values.%d.key");
        json.WriteString("past_value_names", "past_key_values.%d.value");
        json.WriteEndObject();
        json.WriteStartObject("outputs");
        json.WriteString("logits", DecoderGraph.Logits);
        json.WriteString("present_key_names", "present.%d.key");
        json.WriteString("present_value_names", "present.%d.value");
        json.WriteEndObject();
        json.WriteNumber("num_attention_heads", shape.Heads);
        json.WriteNumber("num_hidden_layers", shape.Layers);
        json.WriteNumber("num_key_value_heads", shape.KvHeads);
        json.WriteEndObject();
        json.WriteNumber("eos_token_id", vocab.EosId);
        json.WriteNumber("pad_token_id", vocab.PaddingId >= 0 ? vocab.PaddingId : vocab.EosId);
        // GenAI knows "llama" and "qwen2" by these names; both use the decoder graph above.
        json.WriteString("type", shape.Architecture);
        json.WriteNumber("vocab_size", shape.VocabSize);
        json.WriteEndObject();
        json.WriteStartObject("search");
        json.WriteNumber("diversity_penalty", 0.0);
        json.WriteBoolean("do_sample", false);
        json.WriteBoolean("early_stopping", true);
        json.WriteNumber("length_penalty", 1.0);
        json.WriteNumber("max_length", shape.ContextLength);
        json.WriteNumber("min_length", 0);
        json.WriteNumber("no_repeat_ngram_size", 0);
        json.WriteNumber("num_beams", 1);
        json.WriteNumber("num_return_sequences", 1);
        json.WriteBoolean("past_present_share_buffer", true);
        json.WriteNumber("repetition_penalty", 1.0);
        json.WriteNumber("temperature", 1.0);
        json.WriteNumber("top_k", 1);
        json.WriteNumber("top_p", 1.0);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
