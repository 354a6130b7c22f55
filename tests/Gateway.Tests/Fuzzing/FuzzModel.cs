using Gateway.Gguf;

namespace Gateway.Tests.Fuzzing;

/// <summary>
/// stories260K with a chat template that, like fireworks-ai's llama-3-firefunction-v2, needs a variable no request
/// gives (<c>functions</c>) — but only for conversations that start with a system message, so other chats still render
/// and generate. Written once per test run into the temp folder.
/// </summary>
internal static class FuzzModel
{
    public const string Template =
        "{% for message in messages %}" +
        "{% if loop.first and message['role'] == 'system' %}{{ functions + message['content'] }}" +
        "{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endif %}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static readonly Lazy<string> s_path = new(Write);

    public static string Path => s_path.Value;

    private static string Write()
    {
        var path = TestScratch.Path("fuzz.gguf");
        using var source = GgufFile.Open(TestModels.Path("stories260K.gguf"));
        var writer = new GgufWriter(source.Alignment);
        foreach (var key in source.Metadata.Keys)
        {
            if (key is not ("general.alignment" or "tokenizer.chat_template"))
            {
                writer.Set(key, source.Metadata[key]);
            }
        }

        writer.Set("tokenizer.chat_template", Template);
        foreach (var tensor in source.Tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Dimensions, source.GetTensorBytes(tensor).ToArray());
        }

        writer.Save(path);
        return path;
    }
}
