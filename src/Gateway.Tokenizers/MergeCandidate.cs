namespace Gateway.Tokenizers;

/// <summary>A queued merge of two adjacent symbols; <see cref="Check"/> detects entries made stale by earlier merges.</summary>
internal readonly record struct MergeCandidate(int Left, int Right, int Check, int MergedId);
