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
/// Writes a large file in pieces of 1 MiB, one system call each, with write-behind (<see cref="PageCache.WriteBehind"/>,
/// windows of 32 MiB); an asynchronous write runs the whole block on a pool thread, so the caller can hash while the
/// kernel copies. Why: on the platform's 2-core VM (free pages handed back to the host, which re-faults them on first
/// touch) a fresh gibibyte of page cache was the largest cost of both commands: opening 1 GiB took 4.2-4.6 s against
/// age's 3.2-3.9 s, both writing into cold pages, and 1.6-1.8 s with write-behind, whose pages are reused window after
/// window (bench/results/deadline-line-rate.md, issue 19). With pages reused, 1 MiB pieces cost a third less system time
/// than the 32 KiB pieces that earlier kept the kernel from asking for large folios of cold memory; windows of 8 to 128
/// MiB sealed within 0.2 s of each other, 32 MiB best. A bid written out whole is not read again by these commands.
/// </summary>
internal sealed class PiecewiseWriteStream(FileStream file) : Stream
{
    private readonly PageCache.WriteBehind behind = new(file.SafeFileHandle, 32 << 20);

    /// <summary>Bytes per write system call.</summary>
    public const int Piece = 1 << 20;

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
        behind.Wrote(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => Write(buffer.Span), cancellationToken));
}
