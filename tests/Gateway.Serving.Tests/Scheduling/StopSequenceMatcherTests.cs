using Gateway.Serving.Scheduling;

namespace Gateway.Serving.Tests.Scheduling;

public sealed class StopSequenceMatcherTests
{
    [Theory]
    [InlineData("Hello world, bye", "world", "Hello ")]
    [InlineData("aaab", "aab", "a")]
    [InlineData("no stop here", "zzz", "no stop here")]
    [InlineData("abcabd", "abd", "abc")]
    public void Every_split_of_the_text_emits_exactly_the_text_before_the_first_stop(string text, string stop, string expected)
    {
        // All ways of cutting the text into up to three pieces.
        for (var a = 0; a <= text.Length; a++)
        {
            for (var b = a; b <= text.Length; b++)
            {
                var matcher = new StopSequenceMatcher([stop, "unrelated"]);
                var emitted = string.Empty;
                var stopped = false;
                foreach (var piece in new[] { text[..a], text[a..b], text[b..] })
                {
                    emitted += matcher.Append(piece, out stopped);
                    if (stopped)
                    {
                        break;
                    }

                    Assert.DoesNotContain(stop, emitted, StringComparison.Ordinal);
                }

                if (!stopped)
                {
                    emitted += matcher.Flush();
                }

                Assert.Equal(expected, emitted);
                Assert.Equal(text.Contains(stop, StringComparison.Ordinal), stopped);
            }
        }
    }

    [Fact]
    public void Without_stop_sequences_text_passes_straight_through()
    {
        var matcher = new StopSequenceMatcher([]);
        Assert.Equal("abc", matcher.Append("abc", out var stopped));
        Assert.False(stopped);
        Assert.Equal(string.Empty, matcher.Flush());
    }
}
