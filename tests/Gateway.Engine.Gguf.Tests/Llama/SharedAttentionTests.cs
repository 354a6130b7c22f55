using Gateway.Engine.Gguf.Llama;

namespace Gateway.Engine.Gguf.Tests.Llama;

public sealed class SharedAttentionTests
{
    [Fact]
    public void Every_token_is_attended_once_per_layer_whether_its_owner_or_a_helper_takes_it()
    {
        const int first = 8;
        const int end = 16;
        const int owner = 0;
        const int helperThread = 1;
        var seen = new int[24];
        var byHelper = 0;
        var wrongLayer = 0;
        var layerInFlight = -1;
        var attention = new SharedAttention((layer, token, thread) =>
        {
            if (layer != Volatile.Read(ref layerInFlight))
            {
                Interlocked.Increment(ref wrongLayer);
            }

            Interlocked.Increment(ref seen[token]);
            if (thread == helperThread)
            {
                Interlocked.Increment(ref byHelper);
            }

            Thread.SpinWait(2000); // a token's attention takes a while, so the helper gets its chance
        });

        var stop = 0;
        var started = 0;
        var helper = new Thread(() =>
        {
            Volatile.Write(ref started, 1);
            while (Volatile.Read(ref stop) == 0)
            {
                attention.TryHelp(helperThread);
            }
        });
        helper.Start();
        while (Volatile.Read(ref started) == 0)
        {
            Thread.Yield();
        }

        try
        {
            for (var layer = 0; layer < 40; layer++)
            {
                Array.Clear(seen);
                Volatile.Write(ref layerInFlight, layer);
                attention.Run(layer, first, end, owner);

                // Run returns only once every token is done, each exactly once, and nothing outside the slice.
                for (var t = 0; t < seen.Length; t++)
                {
                    Assert.True(seen[t] == (t >= first && t < end ? 1 : 0), $"layer {layer}, token {t} attended {seen[t]} times");
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            helper.Join();
        }

        Assert.Equal(0, wrongLayer);
        Assert.True(byHelper > 0, "the helper never took a token in 40 layers of 8 slow tokens");
    }

    [Fact]
    public void A_token_that_throws_still_counts_so_its_owner_does_not_wait_forever()
    {
        var attention = new SharedAttention((_, token, _) =>
        {
            if (token == 3)
            {
                throw new InvalidOperationException("attention failed");
            }
        });

        Assert.Throws<InvalidOperationException>(() => attention.Run(0, 0, 8, 0));

        // The next layer runs (a new generation) and finds nothing left over from the failed one.
        attention.Run(1, 0, 2, 0);
        Assert.False(attention.TryHelp(1));
    }

    [Fact]
    public void A_helper_finds_nothing_to_take_before_the_first_layer()
    {
        var attention = new SharedAttention((_, _, _) => throw new InvalidOperationException("nothing to attend"));
        Assert.False(attention.TryHelp(1));
    }
}
