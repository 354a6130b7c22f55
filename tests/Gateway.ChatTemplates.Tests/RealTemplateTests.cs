namespace Gateway.ChatTemplates.Tests;

/// <summary>
/// Real model templates rendering a system+user+assistant+user conversation. Expected strings were worked out by hand
/// from each template's semantics (and agree with llama.cpp's and huggingface.js's expected outputs for these templates).
/// </summary>
public sealed class RealTemplateTests
{
    private static readonly ChatMessage[] Conversation = TemplateData.Conversation;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SmolLM2_renders_ChatML_with_the_given_system_prompt(bool addGenerationPrompt)
    {
        string expected =
            "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"
            + "<|im_start|>user\nHello<|im_end|>\n"
            + "<|im_start|>assistant\n  Hi there  <|im_end|>\n"
            + "<|im_start|>user\nWho are you<|im_end|>\n"
            + (addGenerationPrompt ? "<|im_start|>assistant\n" : "");

        string actual = TemplateData.Load("smollm2-135m-instruct.jinja").Render(Conversation, addGenerationPrompt, "", "<|im_end|>");

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SmolLM2_inserts_its_default_system_prompt_when_none_is_given()
    {
        string actual = TemplateData.Load("smollm2-135m-instruct.jinja").Render([new("user", "Hello")], true, "", "<|im_end|>");

        Assert.Equal(
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
            + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
            actual);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Llama2_folds_the_system_prompt_into_the_first_instruction(bool addGenerationPrompt)
    {
        // The template ignores add_generation_prompt: a prompt ending in [/INST] is already the generation point.
        string expected =
            "<s>[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST]"
            + " Hi there </s>"
            + "<s>[INST] Who are you [/INST]";

        string actual = TemplateData.Load("llama-2-chat.jinja").Render(Conversation, addGenerationPrompt, "<s>", "</s>");

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Llama2_raises_on_non_alternating_roles()
    {
        var template = TemplateData.Load("llama-2-chat.jinja");

        var error = Assert.Throws<ChatTemplateException>(() =>
            template.Render([new("user", "a"), new("user", "b")], true, "<s>", "</s>"));

        Assert.Equal("Conversation roles must alternate user/assistant/user/assistant/...", error.Message);
        Assert.True(error.IsRaisedByTemplate);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Llama3_renders_headers_and_trims_content(bool addGenerationPrompt)
    {
        string expected =
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
            + (addGenerationPrompt ? "<|start_header_id|>assistant<|end_header_id|>\n\n" : "");

        string actual = TemplateData.Load("llama-3-instruct.jinja").Render(Conversation, addGenerationPrompt, "<|begin_of_text|>", "<|eot_id|>");

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mistral_rejects_a_system_message_because_roles_must_alternate(bool addGenerationPrompt)
    {
        var template = TemplateData.Load("mistral-7b-instruct.jinja");

        var error = Assert.Throws<ChatTemplateException>(() => template.Render(Conversation, addGenerationPrompt, "<s>", "</s>"));

        Assert.Equal("Conversation roles must alternate user/assistant/user/assistant/...", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mistral_renders_alternating_turns(bool addGenerationPrompt)
    {
        string actual = TemplateData.Load("mistral-7b-instruct.jinja")
            .Render(TemplateData.ConversationWithoutSystem, addGenerationPrompt, "<s>", "</s>");

        Assert.Equal("<s>[INST] Hello [/INST]  Hi there  </s>[INST] Who are you [/INST]", actual);
    }

    [Fact]
    public void Mistral_rejects_roles_other_than_user_and_assistant()
    {
        var template = TemplateData.Load("mistral-7b-instruct.jinja");

        var error = Assert.Throws<ChatTemplateException>(() =>
            template.Render([new("user", "a"), new("tool", "b")], true, "<s>", "</s>"));

        Assert.Equal("Only user and assistant roles are supported!", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Qwen2_renders_ChatML(bool addGenerationPrompt)
    {
        string expected =
            "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"
            + "<|im_start|>user\nHello<|im_end|>\n"
            + "<|im_start|>assistant\n  Hi there  <|im_end|>\n"
            + "<|im_start|>user\nWho are you<|im_end|>\n"
            + (addGenerationPrompt ? "<|im_start|>assistant\n" : "");

        string actual = TemplateData.Load("qwen2-instruct.jinja").Render(Conversation, addGenerationPrompt, "", "<|im_end|>");

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Qwen2_inserts_its_default_system_prompt_when_none_is_given()
    {
        string actual = TemplateData.Load("qwen2-instruct.jinja").Render(TemplateData.ConversationWithoutSystem, false, "", "<|im_end|>");

        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nHello<|im_end|>\n"
            + "<|im_start|>assistant\n  Hi there  <|im_end|>\n"
            + "<|im_start|>user\nWho are you<|im_end|>\n",
            actual);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Phi3_mini_drops_the_system_message_and_always_opens_the_assistant_turn(bool addGenerationPrompt)
    {
        string expected =
            "<s><|user|>\nHello<|end|>\n<|assistant|>\n"
            + "  Hi there  <|end|>\n"
            + "<|user|>\nWho are you<|end|>\n<|assistant|>\n";

        string actual = TemplateData.Load("phi-3-mini.jinja").Render(Conversation, addGenerationPrompt, "<s>", "<|endoftext|>");

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Zephyr_multi_line_template_relies_on_trim_blocks(bool addGenerationPrompt)
    {
        string expected =
            "<|system|>\nYou are a helpful assistant</s>\n"
            + "<|user|>\nHello</s>\n"
            + "<|assistant|>\n  Hi there  </s>\n"
            + "<|user|>\nWho are you</s>\n"
            + (addGenerationPrompt ? "<|assistant|>\n" : "");

        string actual = TemplateData.Load("zephyr-7b-beta.jinja").Render(Conversation, addGenerationPrompt, "<s>", "</s>");

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fallback_is_ChatML(bool addGenerationPrompt)
    {
        string expected =
            "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"
            + "<|im_start|>user\nHello<|im_end|>\n"
            + "<|im_start|>assistant\n  Hi there  <|im_end|>\n"
            + "<|im_start|>user\nWho are you<|im_end|>\n"
            + (addGenerationPrompt ? "<|im_start|>assistant\n" : "");

        Assert.Equal(expected, ChatTemplate.Fallback.Render(Conversation, addGenerationPrompt, "<s>", "</s>"));
        Assert.Same(ChatTemplate.Fallback, ChatTemplate.Fallback);
    }
}
