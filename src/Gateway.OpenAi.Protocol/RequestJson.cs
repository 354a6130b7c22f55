using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Gateway.OpenAi;

/// <summary>
/// The one place that decides how a request's JSON is read, by every layer that reads it (the front door's body
/// inspection, the endpoints, anything added later). A body passes <see cref="Validate"/> only when it is well-formed,
/// nested at most <see cref="MaxDepth"/> levels and every string and property name decodes to valid UTF-16 (no invalid
/// UTF-8, no unpaired surrogate escape such as <c>"\ud800x"</c>); after that no <c>GetString</c> on it can throw.
/// Every refusal is an <see cref="OpenAiRequestException"/> (400, OpenAI's shape) naming the offending parameter.
/// </summary>
public static class RequestJson
{
    /// <summary>Deeper than any real request (a chat message with content parts is four levels); deeper is an attack.</summary>
    public const int MaxDepth = 64;

    public const string MalformedMessage = "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.";

    private static readonly byte[] s_utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>One more than <see cref="MaxDepth"/>, so our own check (with the parameter's name) fires before the reader's.</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { MaxDepth = MaxDepth + 1 };

    public static JsonDocumentOptions DocumentOptions { get; } = new() { MaxDepth = MaxDepth + 1 };

    /// <summary>Validates and parses a whole body. The document keeps a reference to <paramref name="utf8"/>.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        utf8 = WithoutBom(utf8);
        Validate(utf8.Span);
        return JsonDocument.Parse(utf8, DocumentOptions);
    }

    /// <summary>A forward-only reader over a body that passed <see cref="Validate"/>, with the same options and BOM handling.</summary>
    public static Utf8JsonReader CreateReader(ReadOnlySpan<byte> utf8) =>
        new(utf8.StartsWith(s_utf8Bom) ? utf8[s_utf8Bom.Length..] : utf8, ReaderOptions);

    /// <summary>Throws <see cref="OpenAiRequestException"/> (400) unless <paramref name="utf8"/> is a JSON text this gateway reads.</summary>
    public static void Validate(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith(s_utf8Bom))
        {
            utf8 = utf8[s_utf8Bom.Length..];
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var path = new JsonPathTracker();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.BeginValue();
                        if (reader.CurrentDepth >= MaxDepth)
                        {
                            // The top-level parameter only: a path sixty levels long names nothing a client can act on.
                            var top = path.DescribeTopLevel(utf8);
                            throw OpenAiRequestException.InvalidParameter(top.Length == 0 ? "body" : top,
                                $"The JSON body is nested more than {MaxDepth} levels deep.", "invalid_json");
                        }

                        path.Push(reader.TokenType == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        path.SetProperty(reader.TokenStartIndex, reader.ValueSpan.Length);
                        EnsureDecodable(ref reader, utf8, ref path);
                        break;
                    case JsonTokenType.String:
                        path.BeginValue();
                        EnsureDecodable(ref reader, utf8, ref path);
                        break;
                    default:
                        path.BeginValue();
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            var param = path.Describe(utf8);
            throw new OpenAiRequestException(400, $"{MalformedMessage} ({Truncate(ex.Message)})",
                OpenAiErrorTypes.InvalidRequest, param.Length == 0 ? null : param, "invalid_json");
        }
    }

    private static void EnsureDecodable(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ref JsonPathTracker path)
    {
        if (!reader.ValueIsEscaped)
        {
            // Unescaped text is decodable exactly when it is valid UTF-8: checked in place, nothing allocated.
            if (Utf8.IsValid(reader.ValueSpan))
            {
                return;
            }
        }
        else
        {
            // Escapes (\uXXXX) can spell unpaired surrogates; unescaping is what finds them.
            var chars = ArrayPool<char>.Shared.Rent(reader.ValueSpan.Length);
            try
            {
                reader.CopyString(chars);
                return;
            }
            catch (InvalidOperationException)
            {
                // Reported below with the parameter's name.
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }

        var param = path.Describe(utf8);
        throw OpenAiRequestException.InvalidParameter(param.Length == 0 ? "body" : param,
            $"Invalid text in '{(param.Length == 0 ? "body" : param)}': it is not valid UTF-8, or it holds an unpaired UTF-16 surrogate escape.",
            "invalid_encoding");
    }

    private static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> utf8) =>
        utf8.Span.StartsWith(s_utf8Bom) ? utf8[s_utf8Bom.Length..] : utf8;

    private static string Truncate(string message) => message.Length <= 200 ? message : message[..200];

    /// <summary>
    /// Where the reader is, as OpenAI names parameters (<c>messages[0].content</c>), kept as offsets into the body so
    /// nothing is decoded unless an error needs the name.
    /// </summary>
    private struct JsonPathTracker
    {
        private Frame[]? _frames;
        private int _count;

        public void Push(bool isArray)
        {
            _frames ??= new Frame[8];
            if (_count == _frames.Length)
            {
                Array.Resize(ref _frames, _count * 2);
            }

            _frames[_count++] = new Frame { IsArray = isArray, Index = -1, NameStart = -1 };
        }

        public void Pop() => _count = Math.Max(0, _count - 1);

        /// <summary>A value starts: inside an array it is the next element.</summary>
        public readonly void BeginValue()
        {
            if (_count > 0 && _frames![_count - 1].IsArray)
            {
                _frames[_count - 1].Index++;
            }
        }

        public readonly void SetProperty(long tokenStart, int length)
        {
            if (_count > 0)
            {
                // The token starts at the opening quote.
                _frames![_count - 1].NameStart = tokenStart + 1;
                _frames[_count - 1].NameLength = length;
            }
        }

        public readonly string DescribeTopLevel(ReadOnlySpan<byte> utf8) => Describe(utf8, Math.Min(_count, 1));

        public readonly string Describe(ReadOnlySpan<byte> utf8) => Describe(utf8, _count);

        private readonly string Describe(ReadOnlySpan<byte> utf8, int frames)
        {
            var text = new StringBuilder();
            for (var i = 0; i < frames; i++)
            {
                var frame = _frames![i];
                if (frame.IsArray)
                {
                    if (frame.Index >= 0)
                    {
                        text.Append('[').Append(frame.Index).Append(']');
                    }
                }
                else if (frame.NameStart >= 0 && frame.NameStart + frame.NameLength <= utf8.Length)
                {
                    if (text.Length > 0)
                    {
                        text.Append('.');
                    }

                    // Lossy on purpose: the name itself may be the undecodable text being reported.
                    text.Append(Encoding.UTF8.GetString(utf8.Slice((int)frame.NameStart, frame.NameLength)));
                }
            }

            return text.ToString();
        }

        private struct Frame
        {
            public bool IsArray;
            public int Index;
            public long NameStart;
            public int NameLength;
        }
    }
}
