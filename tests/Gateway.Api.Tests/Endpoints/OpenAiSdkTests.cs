#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK.
using System.ClientModel;
using Gateway.Api.Tests.Infrastructure;
using OpenAI.Chat;

namespace Gateway.Api.Tests.Endpoints;

/// <summary>The official OpenAI .NET SDK, pointed at our base URL, must just work.</summary>
public sealed class OpenAiSdkTests(GatewayServerFixture fixture) : IClassFixture<GatewayServerFixture>
{
    private ChatClient Chat => fixture.Server.OpenAi.GetChatClient(GatewayServer.ModelName);

    [Fact]
    public async Task Chat_completion_returns_text_finish_reason_and_usage()
    {
        var completion = (await Chat.CompleteChatAsync(
            [new SystemChatMessage("You tell stories."), new UserChatMessage("Once upon a time")],
            new ChatCompletionOptions { MaxOutputTokenCount = 20, Temperature = 0 })).Value;

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.FinishReason is ChatFinishReason.Length or ChatFinishReason.Stop);
        Assert.True(completion.Usage.InputTokenCount > 5);
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 20);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_chat_delivers_deltas_then_usage()
    {
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in Chat.CompleteChatStreamingAsync(
            [new UserChatMessage("Tell me about a dog")],
            new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0 }))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.True(updates > 3, $"expected several streamed updates, got {updates}");
        Assert.NotEqual(0, text.Length);
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(24, usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Same_seed_gives_same_sampled_text()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 1.0f, Seed = 1234 };
        ChatMessage[] messages = [new UserChatMessage("A story about a cat")];
        var first = (await Chat.CompleteChatAsync(messages, options)).Value.Content[0].Text;
        var second = (await Chat.CompleteChatAsync(messages, options)).Value.Content[0].Text;
        var other = (await Chat.CompleteChatAsync(messages, new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 1.0f, Seed = 99 })).Value.Content[0].Text;

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Unknown_model_is_a_404_model_not_found()
    {
        var client = fixture.Server.OpenAi.GetChatClient("gpt-does-not-exist");
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, ex.Status);
        Assert.Contains("model_not_found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_of_range_temperature_is_a_400_naming_the_parameter()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            Chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 3.5f }));
        Assert.Equal(400, ex.Status);
        Assert.Contains("temperature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_are_listed_and_retrievable()
    {
        var models = (await fixture.Server.OpenAi.GetOpenAIModelClient().GetModelsAsync()).Value;
        Assert.Contains(models, m => m.Id == GatewayServer.ModelName);
        var model = (await fixture.Server.OpenAi.GetOpenAIModelClient().GetModelAsync(GatewayServer.ModelName)).Value;
        Assert.Equal("gateway", model.OwnedBy);
    }
}
