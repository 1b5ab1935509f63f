using System.Diagnostics;
using ICSharpCode.SharpZipLib.BZip2;
using SharpCompress.Compressors;
using SharpCompress.Compressors.BZip2;

// Bzip2Bench compress|decompress SharpZipLib|SharpCompress INPUT OUTPUT
// Reads INPUT into memory, runs the operation on one thread from memory to memory, writes the result
// to OUTPUT, and prints the seconds the operation took (not the process start, not the file I/O). The
// operation runs once untimed on the first mebibyte first, so the timed run meets compiled code, as a
// long-running PowerShell session or CLI run does.
// A decompression that fails prints the exception's type and message and exits 1.
if (args.Length != 4 || args[0] is not ("compress" or "decompress") || args[1] is not ("SharpZipLib" or "SharpCompress"))
{
    Console.Error.WriteLine("usage: Bzip2Bench compress|decompress SharpZipLib|SharpCompress INPUT OUTPUT");
    return 2;
}

byte[] input = File.ReadAllBytes(args[2]);
try
{
    Run(args[0], args[1], args[0] == "compress" ? input.AsSpan(0, Math.Min(input.Length, 1 << 20)).ToArray() : input, new MemoryStream(), warmUp: true);
}
catch (Exception)
{
    // A damaged input fails again in the timed run, which reports it.
}

var output = new MemoryStream(args[0] == "compress" ? input.Length / 2 : input.Length * 4);
var clock = Stopwatch.StartNew();
try
{
    Run(args[0], args[1], input, output, warmUp: false);
}
catch (Exception ex)
{
    Console.WriteLine($"error {ex.GetType().Name}: {ex.Message}");
    return 1;
}

clock.Stop();
File.WriteAllBytes(args[3], output.ToArray());
Console.WriteLine(clock.Elapsed.TotalSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
return 0;

static void Run(string operation, string library, byte[] input, Stream output, bool warmUp)
{
    if (operation == "compress")
    {
        Compress(library, input, output);
    }
    else
    {
        Decompress(library, input, output, warmUp ? 1 << 20 : long.MaxValue);
    }
}

static void Compress(string library, byte[] input, Stream output)
{
    // Level 9 (900 kB blocks), what New-TarArchive writes by default.
    using Stream bzip2 = library == "SharpZipLib"
        ? new BZip2OutputStream(output, 9) { IsStreamOwner = false }
        : BZip2Stream.Create(output, CompressionMode.Compress, decompressConcatenated: false, leaveOpen: true);
    bzip2.Write(input);
}

static void Decompress(string library, byte[] input, Stream output, long limit)
{
    using Stream bzip2 = library == "SharpZipLib"
        ? new BZip2InputStream(new MemoryStream(input))
        : BZip2Stream.Create(new MemoryStream(input), CompressionMode.Decompress, decompressConcatenated: false);
    byte[] buffer = new byte[1 << 16];
    int n;
    while (output.Length < limit && (n = bzip2.Read(buffer)) > 0)
    {
        output.Write(buffer, 0, n);
    }
}
