using System.Text;
using Gateway.Inference;
using Gateway.OpenAi;
using Gateway.Sampling;

namespace Gateway.Api.Streaming;

/// <summary>Renders sampled tokens as OpenAI's two log-probability shapes (chat's per-token objects, completions' arrays).</summary>
internal sealed class LogprobFormatter(ITokenizer tokenizer)
{
    public ChatLogprobs Chat(IEnumerable<SampledToken> tokens) =>
        new(tokens.Select(t => new ChatTokenLogprob(
                Text(t.Id),
                t.Logprob,
                Bytes(t.Id),
                (t.TopLogprobs ?? []).Select(a => new ChatTopLogprob(Text(a.Id), a.Logprob, Bytes(a.Id))).ToArray()))
            .ToArray());

    public CompletionLogprobs Completion(IReadOnlyList<SampledToken> tokens, int textOffset)
    {
        var texts = new string[tokens.Count];
        var offsets = new int[tokens.Count];
        var top = new Dictionary<string, float>[tokens.Count];
        var offset = textOffset;
        for (var i = 0; i < tokens.Count; i++)
        {
            texts[i] = Text(tokens[i].Id);
            offsets[i] = offset;
            offset += texts[i].Length;
            top[i] = [];
            foreach (var alt in tokens[i].TopLogprobs ?? [])
            {
                top[i].TryAdd(Text(alt.Id), alt.Logprob);
            }
        }

        return new CompletionLogprobs(texts, tokens.Select(t => t.Logprob).ToArray(), top, offsets);
    }

    private string Text(int id) => Encoding.UTF8.GetString(tokenizer.TokenBytes(id));

    private int[] Bytes(int id) => Array.ConvertAll(tokenizer.TokenBytes(id), b => (int)b);
}
