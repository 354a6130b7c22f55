namespace Gateway.Kernels;

/// <summary>
/// A micro-kernel's token count as a type, so each count gets its own compiled body with the unused accumulators
/// removed (the JIT specializes generic methods per struct argument and folds <see cref="Value"/> to a constant).
/// </summary>
internal interface ITokenCount
{
    static abstract int Value { get; }
}

internal readonly struct Tokens1 : ITokenCount { public static int Value => 1; }

internal readonly struct Tokens2 : ITokenCount { public static int Value => 2; }

internal readonly struct Tokens3 : ITokenCount { public static int Value => 3; }

internal readonly struct Tokens4 : ITokenCount { public static int Value => 4; }

internal readonly struct Tokens5 : ITokenCount { public static int Value => 5; }

internal readonly struct Tokens6 : ITokenCount { public static int Value => 6; }

internal readonly struct Tokens7 : ITokenCount { public static int Value => 7; }

internal readonly struct Tokens8 : ITokenCount { public static int Value => 8; }
