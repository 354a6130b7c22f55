using Microsoft.Extensions.Options;

namespace Gateway.Serving;

/// <summary>Checks every serving setting at startup and reports all problems at once.</summary>
internal sealed class ServingOptionsValidator : IValidateOptions<ServingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServingOptions options)
    {
        List<string> errors = [];
        if (options.KvCacheMemoryMiB <= 0)
        {
            errors.Add($"Serving:KvCacheMemoryMiB must be positive (was {options.KvCacheMemoryMiB}).");
        }

        if (options.BlockSize <= 0 || options.BlockSize > 256)
        {
            errors.Add($"Serving:BlockSize must be in 1..256 (was {options.BlockSize}).");
        }

        if (options.MaxWaitingRequests <= 0)
        {
            errors.Add($"Serving:MaxWaitingRequests must be positive (was {options.MaxWaitingRequests}).");
        }

        if (options.MaxQueuedPromptTokens <= 0)
        {
            errors.Add($"Serving:MaxQueuedPromptTokens must be positive (was {options.MaxQueuedPromptTokens}).");
        }

        if (options.MaxRunningSequences <= 0)
        {
            errors.Add($"Serving:MaxRunningSequences must be positive (was {options.MaxRunningSequences}).");
        }

        // Every running sequence gets its decode token each step before any prefill, which needs this much budget.
        if (options.MaxBatchTokens < options.MaxRunningSequences)
        {
            errors.Add($"Serving:MaxBatchTokens ({options.MaxBatchTokens}) must be at least Serving:MaxRunningSequences ({options.MaxRunningSequences}).");
        }

        if (options.WarmupSeconds is < 0 or > 600)
        {
            errors.Add($"Serving:WarmupSeconds must be in 0..600 (was {options.WarmupSeconds}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
