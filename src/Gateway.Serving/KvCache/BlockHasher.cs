using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Gateway.Serving.KvCache;

/// <summary>
/// Computes chained block hashes. SHA-256 truncated to 128 bits: a collision would silently serve another prompt's KV
/// entries, so a cryptographic digest is worth its cost (one hash per full block, far below a forward pass).
/// </summary>
internal static class BlockHasher
{
    private const int MaxStackBytes = 4096;

    public static BlockHash Hash(BlockHash parent, ReadOnlySpan<int> blockTokens)
    {
        var length = 16 + (blockTokens.Length * sizeof(int));
        // Block sizes are small (16 by default), so the input fits the stack; only absurd sizes pay an allocation.
        var input = length <= MaxStackBytes ? stackalloc byte[length] : new byte[length];
        BinaryPrimitives.WriteUInt64LittleEndian(input, parent.High);
        BinaryPrimitives.WriteUInt64LittleEndian(input[8..], parent.Low);
        var tokenBytes = input[16..length];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(blockTokens).CopyTo(tokenBytes);
        }
        else
        {
            for (var i = 0; i < blockTokens.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(tokenBytes[(i * sizeof(int))..], blockTokens[i]);
            }
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input[..length], digest);
        return new BlockHash(
            BinaryPrimitives.ReadUInt64LittleEndian(digest),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]));
    }
}
