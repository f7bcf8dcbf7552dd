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

    /// <summary>Write-behind windows of the CLI's large outputs: windows of 8 to 128 MiB sealed 1 GiB within 0.2 s of each
    /// other on the platform's VM, 32 MiB best (bench/results/crypto.md).</summary>
    private const long CliWindow = 32 << 20;

    /// <param name="large">For a writer of large blocks (an envelope or a bid, MiBs at a time): no buffer of the file
    /// stream's own, and each block handed to the kernel in pieces of <see cref="PageCache.WriteBehindStream.Piece"/> bytes.</param>
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
                await write(large ? new PageCache.WriteBehindStream(stream, CliWindow) : stream);
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
