namespace Gateway.Tokenizers;

/// <summary>
/// Queue order shared by both merge algorithms: the better merge first (higher SentencePiece score, or lower BPE rank
/// stored negated), and among equals the leftmost, which is the order llama.cpp's priority queues pop in.
/// </summary>
internal readonly record struct MergePriority(float Goodness, int Left);
