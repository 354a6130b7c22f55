using System.CommandLine;
using System.Diagnostics;
using Gateway.Engine.Gguf;
using Gateway.Inference;
using Gateway.Models;
using Gateway.Sampling;

namespace Gateway.Cli;

/// <summary><c>gateway generate</c>: run one prompt on the engine and stream the text to stdout.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var threads = CliOptions.Threads();
        var kvType = CliOptions.KvType();
        var prompt = new Option<string>("--prompt", "-p") { Description = "Prompt text (default: empty, i.e. generate from BOS)." , DefaultValueFactory = _ => string.Empty };
        var maxTokens = new Option<int>("--max-tokens", "-n") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 128 };
        var temperature = new Option<float>("--temperature") { Description = "0 = greedy.", DefaultValueFactory = _ => 0f };
        var topK = new Option<int>("--top-k") { Description = "Top-k filter (0 = off)." };
        var topP = new Option<float>("--top-p") { Description = "Nucleus filter (1 = off).", DefaultValueFactory = _ => 1f };
        var minP = new Option<float>("--min-p") { Description = "Min-p filter (0 = off)." };
        var repetition = new Option<float>("--repetition-penalty") { Description = "1 = off.", DefaultValueFactory = _ => 1f };
        var seed = new Option<ulong?>("--seed") { Description = "Sampling seed (reproducible output)." };

        var command = new Command("generate", "Generate text from a prompt, streamed to stdout.")
        {
            model, prompt, maxTokens, temperature, topK, topP, minP, repetition, seed, threads, kvType,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var path = new ModelLocator(new ModelSourceOptions(), Console.Error).ResolveAsync(parse.GetValue(model), CancellationToken.None).GetAwaiter().GetResult();
            using var runner = ModelRunnerFactory.Load(path, new ModelRunnerOptions
            {
                Threads = parse.GetValue(threads),
                KvCacheType = parse.GetValue(kvType),
                KvCacheMemoryMiB = 512,
            });
            var tokenizer = runner.Tokenizer;
            var promptTokens = tokenizer.Encode(parse.GetValue(prompt)!, tokenizer.AddBos, parseSpecial: true);
            if (promptTokens.Length == 0)
            {
                throw new ArgumentException("the prompt is empty and the model has no BOS token to start from");
            }

            var sampler = new Sampler(new SamplingParams
            {
                Temperature = parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                MinP = parse.GetValue(minP),
                RepetitionPenalty = parse.GetValue(repetition),
                Seed = parse.GetValue(seed),
            }, runner.Info.VocabSize, promptTokens);

            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
            var detokenizer = tokenizer.CreateStreamingDetokenizer();
            var stdout = Console.Out;
            var clock = Stopwatch.StartNew();
            TimeSpan? firstToken = null;
            var generated = 0;
            foreach (var token in new TextGenerator(runner).Generate(promptTokens, sampler, parse.GetValue(maxTokens), cancel.Token))
            {
                firstToken ??= clock.Elapsed;
                generated++;
                stdout.Write(detokenizer.Append(token.Id));
                stdout.Flush();
            }

            stdout.WriteLine(detokenizer.Flush());
            var decodeSeconds = (clock.Elapsed - (firstToken ?? clock.Elapsed)).TotalSeconds;
            Console.Error.WriteLine(
                $"[{runner.Info.Name}: {promptTokens.Length} prompt tokens, {generated} generated; " +
                $"first token {firstToken?.TotalMilliseconds ?? 0:F0} ms; decode {(generated > 1 ? (generated - 1) / decodeSeconds : 0):F1} tok/s]");
            return 0;
        }));
        return command;
    }
}
