using System.CommandLine;
using System.Globalization;
using Trading.Crypto;

namespace Trading.Cli.Crypto;

/// <summary>Options and helpers shared by the sealed-bid commands. Exit codes: 0 done/verified, 1 refused or failed verification, 2 unusable input.</summary>
internal static class CliSupport
{
    public const int Ok = 0;
    public const int Refused = 1;
    public const int BadInput = 2;

    public static Option<string> Lang() => new("--lang")
    {
        Description = "Language of messages: en or zh-CN (default: from the system culture)",
        DefaultValueFactory = _ => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : "en",
    };

    public static Option<FileInfo> JointKey() => new("--joint-key")
    {
        Description = "The tender's joint key (JSON, as published in the tender notice)",
        Required = true,
    };

    public static JointKey ReadJointKey(FileInfo file)
    {
        var key = CryptoJson.Deserialize<Trading.Crypto.JointKey>(File.ReadAllText(file.FullName));
        key.Validate();
        return key;
    }

    /// <summary>A suite named on the command line: its full name, or "p256" / "sm2".</summary>
    public static string Suite(string name) => name.ToLowerInvariant() switch
    {
        "p256" or "p-256" or "1" => CryptoSuites.P256,
        "sm2" or "sm" or "2" => CryptoSuites.Sm2,
        _ => CryptoSuites.NameOf(CryptoSuites.IdOf(name)),
    };

    /// <summary>Runs a command body, turning refusals into a localized message and exit code instead of a stack trace.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Option<string> lang, Func<TextWriter, Task<int>> body)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(output);
        }
        catch (CryptoException e)
        {
            await error.WriteLineAsync($"{e.Code}: {e.LocalizedMessage(parse.GetValue(lang) ?? "en")}");
            return Refused;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            await error.WriteLineAsync($"{e.GetType().Name}: {e.Message}");
            return BadInput;
        }
    }

    /// <summary>The passphrase from the named environment variable, else one line from standard input.</summary>
    public static string ReadPassphrase(string environmentVariable)
    {
        var fromEnv = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        Console.Error.Write("passphrase: ");
        return Console.ReadLine() ?? throw new IOException("no passphrase on standard input");
    }

    /// <summary>Writes a record as the library's JSON, atomically.</summary>
    public static Task WriteRecordAsync<T>(string path, T record, CancellationToken ct) =>
        WriteAtomicallyAsync(path, s => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(record)), ct).AsTask());

    /// <param name="large">For a writer of large blocks (an envelope or a bid, MiBs at a time): no buffer of the file
    /// stream's own, and each block handed to the kernel in pieces of <see cref="PiecewiseWriteStream.Piece"/> bytes.</param>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write, bool large = false)
    {
        // Write to a temporary file and move it into place, so a failure never leaves a partial file behind.
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".partial-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, large ? 0 : 4096))
            {
                await write(large ? new PiecewiseWriteStream(stream) : stream);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}

/// <summary>
/// Writes to a file in pieces of 32 KiB, one system call each; an asynchronous write runs the whole block on a pool
/// thread, so the caller can hash while the kernel copies. Why pieces: on Linux 6.x the page cache sizes a new file
/// folio by the write that creates it, so MiB writes ask for large folios, and on the platform's 2-core VM (free pages
/// handed back to the host, which re-faults them on first touch) copying 1 GiB into large folios cost 1.8 to 6.7 s of
/// system time against 0.4 to 0.6 s in 16 to 32 KiB writes (dd, same file, same minutes; bench/results/crypto.md, issue 19).
/// The extra system calls cost about 30 ms per GiB where that effect does not exist. age writes 32 KiB pieces too.
/// </summary>
internal sealed class PiecewiseWriteStream(FileStream file) : Stream
{
    /// <summary>Bytes per write system call.</summary>
    public const int Piece = 32 << 10;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => file.Length;
    public override long Position { get => file.Position; set => throw new NotSupportedException(); }
    public override void Flush() => file.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => file.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        for (var at = 0; at < buffer.Length; at += Piece)
        {
            file.Write(buffer.Slice(at, Math.Min(Piece, buffer.Length - at)));
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => Write(buffer.Span), cancellationToken));
}
