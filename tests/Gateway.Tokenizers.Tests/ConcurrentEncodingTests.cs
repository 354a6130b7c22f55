using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

public sealed class ConcurrentEncodingTests
{
    [Fact]
    public void One_tokenizer_serves_many_threads_at_once()
    {
        var cases = TokenizerGolden.Cases;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, cases.Count * 20, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var golden = cases[i % cases.Count];
            Check(TestTokenizers.SmolLm2, golden.Text, golden.SmolLm2Ids, failures);
            Check(TestTokenizers.Llama2, golden.Text, golden.Llama2Ids, failures);
        });

        Assert.Empty(failures);
    }

    private static void Check(ITokenizer tokenizer, string text, int[] expected, System.Collections.Concurrent.ConcurrentBag<string> failures)
    {
        var ids = tokenizer.Encode(text, addBos: false, parseSpecial: true);
        if (!ids.SequenceEqual(expected) || tokenizer.Decode(ids, renderSpecial: true) != text)
        {
            failures.Add(text);
        }
    }
}
