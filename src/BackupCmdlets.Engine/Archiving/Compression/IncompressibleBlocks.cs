namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// Tells compressible from incompressible data in 4 KiB blocks by byte entropy: random or already
/// compressed content (near 8 bits per byte) gains nothing from deflate but costs most of its time.
/// </summary>
internal static class IncompressibleBlocks
{
    public const int BlockSize = 4096;

    // 7.95 bits/byte: random data measures about 7.95-7.96 in 4 KiB; text and binaries far below.
    private const double Threshold = 7.94;

    /// <summary>Splits <paramref name="data"/> into runs of blocks of one kind, in order.</summary>
    public static List<(int Start, int Length, bool Incompressible)> Runs(ReadOnlySpan<byte> data)
    {
        var runs = new List<(int Start, int Length, bool Incompressible)>();
        Span<int> histogram = stackalloc int[256];
        for (int start = 0; start < data.Length; start += BlockSize)
        {
            int length = Math.Min(BlockSize, data.Length - start);
            bool incompressible = length == BlockSize && Entropy(data.Slice(start, length), histogram) > Threshold;
            if (runs.Count > 0 && runs[^1].Incompressible == incompressible)
            {
                runs[^1] = (runs[^1].Start, runs[^1].Length + length, incompressible);
            }
            else
            {
                runs.Add((start, length, incompressible));
            }
        }

        return runs;
    }

    private static double Entropy(ReadOnlySpan<byte> block, Span<int> histogram)
    {
        histogram.Clear();
        foreach (byte b in block)
        {
            histogram[b]++;
        }

        double entropy = 0;
        double total = block.Length;
        foreach (int count in histogram)
        {
            if (count > 0)
            {
                double p = count / total;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}
