using System.Runtime.InteropServices;
using Gateway.Engine.Onnx.Protobuf;
using Google.Protobuf;

namespace Gateway.Engine.Onnx.Export;

/// <summary>
/// Appends nodes, initializers and graph inputs/outputs to an ONNX <see cref="GraphProto"/> through the classes
/// generated from onnx.proto, so the file is written by the protobuf runtime, never by hand.
/// </summary>
internal sealed class GraphBuilder
{
    public const string MicrosoftDomain = "com.microsoft";

    public GraphProto Graph { get; } = new() { Name = "decoder" };

    /// <summary>Adds a float initializer whose little-endian bytes are <paramref name="raw"/>, shared with the message, not copied.</summary>
    public string FloatInitializer(string name, byte[] raw, params long[] dims) => Raw(name, TensorProto.Types.DataType.Float, raw, dims);

    public string FloatInitializer(string name, float[] values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    public string ByteInitializer(string name, byte[] raw, params long[] dims) => Raw(name, TensorProto.Types.DataType.Uint8, raw, dims);

    public string Int64Initializer(string name, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node; returns its output names (generated from <paramref name="name"/> when not given).</summary>
    public string[] Node(string opType, string name, string[] inputs, int outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        var names = new string[outputs];
        for (var i = 0; i < outputs; i++)
        {
            names[i] = $"{name}/output_{i}";
        }

        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>Adds a node whose outputs have fixed names (graph outputs, or "" for an unused optional output).</summary>
    public void NodeWithOutputs(string opType, string name, string[] inputs, string[] outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private string Raw(string name, TensorProto.Types.DataType type, byte[] raw, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        // UnsafeWrap shares the array with the message instead of copying hundreds of megabytes of weights.
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(raw);
        Graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbolic
                ? new TensorShapeProto.Types.Dimension { DimParam = symbolic }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
