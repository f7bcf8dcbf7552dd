using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Trading.Crypto.Bench;

/// <summary>
/// The command line against age (Debian's Go file-encryption tool, X25519 recipient) on the same file: <c>trading seal</c>
/// vs <c>age -r</c>, <c>trading open</c> (one envelope, three holders' partials) vs <c>age -d</c>. Each process is timed
/// whole, start-up included: wall time, and its CPU time (user + system, from the kernel's accounting of reaped
/// children). Rounds interleave every tool so all see the same load; the load average is printed with every round.
///   dotnet run -c Release --project bench/Trading.Crypto.Bench -- cli-vs-age [sizeMiB] [rounds] [trading.dll ...]
/// Several trading.dll paths compare builds (for example main's and a branch's) in the same run. Without age on the
/// PATH (<c>apt-get install age</c>) its rows are skipped. Every round checks the results: the envelope's SHA-256 is
/// the one its signed manifest names, and the opened bid is the sealed one, byte for byte (age's too).
/// </summary>
internal static partial class CliVsAge
{
    /// <summary>
    /// Measures. Before every timed process the files no longer needed are deleted and the bench waits
    /// <c>CLI_BENCH_PAUSE</c> seconds (default 4): on a VM that hands freed memory back to its host after about two
    /// seconds (virtio free page reporting), a process that runs right after 2 GiB were deleted writes its 1 GiB into
    /// memory still mapped, and one that runs later pays the host's page faults: several seconds of system time. The
    /// pause puts every tool in the same state, whatever its place in the round.
    /// </summary>
    public static void Run(int sizeMiB, int rounds, IReadOnlyList<string> clis)
    {
        var pause = int.TryParse(Environment.GetEnvironmentVariable("CLI_BENCH_PAUSE"), CultureInfo.InvariantCulture, out var p) ? p : 4;
        Measure(sizeMiB, rounds, clis, Console.Out, TimeSpan.FromSeconds(pause));
    }

    /// <summary>The smoke size (BenchSmokeTests): 4 MiB, one round, every check above; the times are not looked at.</summary>
    public static void Smoke(string cli) => Measure(4, 1, [cli], TextWriter.Null, TimeSpan.Zero);

    private static void Measure(int sizeMiB, int rounds, IReadOnlyList<string> clis, TextWriter log, TimeSpan pause)
    {
        s_pause = pause;
        var inv = CultureInfo.InvariantCulture;
        var dir = Directory.CreateTempSubdirectory("trading-cli-vs-age-").FullName;
        var keep = Environment.GetEnvironmentVariable("CLI_BENCH_KEEP") == "1";
        try
        {
            var p = new CeremonyParameters("bench", 3, 3);
            var dealers = Enumerable.Range(1, 3).Select(i => HolderDealer.Create(p, i)).ToList();
            var commitments = dealers.Select(d => d.Commitment).ToList();
            var key = CeremonyVerifier.ComputeJointKey(p, commitments);
            var secrets = Enumerable.Range(1, 3).Select(j => CeremonyVerifier.CombineShares(p, key, commitments, j, dealers.Select(d => d.ShareFor(j)).ToList())).ToList();
            File.WriteAllText(Path.Combine(dir, "joint-key.json"), CryptoJson.Serialize(key));
            using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                File.WriteAllText(Path.Combine(dir, "bidder.pem"), ecdsa.ExportPkcs8PrivateKeyPem());

            // The bid: the opening form and one incompressible attachment, stored (a sealed bid is mostly such files).
            var zipPath = Path.Combine(dir, "bid.zip");
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                using (var w = new StreamWriter(zip.CreateEntry("bid-form.json").Open()))
                    w.Write("{\"priceYuan\":1000000,\"durationDays\":300,\"projectManager\":\"经理\"}");
                using var a = zip.CreateEntry("files/attachment.bin", CompressionLevel.NoCompression).Open();
                var block = new byte[1 << 20];
                for (var i = 0; i < sizeMiB; i++)
                {
                    RandomNumberGenerator.Fill(block);
                    a.Write(block);
                }
            }

            var bidSha = Sha256Of(zipPath);
            var age = OnPath("age") && OnPath("age-keygen");
            string? recipient = null;
            if (age)
            {
                Run("age-keygen", ["-o", Path.Combine(dir, "age.key")]);
                recipient = File.ReadAllLines(Path.Combine(dir, "age.key")).First(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..];
            }

            var size = new FileInfo(zipPath).Length;
            log.WriteLine($"# trading seal/open vs age, {size / 1048576.0:F0} MiB, {Environment.ProcessorCount} cores, {pause.TotalSeconds:F0} s pause before each process, load average before: {LoadAverage()} ({DateTime.UtcNow:HH:mm:ss} UTC)");
            if (!age)
            {
                log.WriteLine("# age not found on the PATH (apt-get install age): its rows are skipped");
            }

            var times = new Dictionary<string, List<(double Wall, double Cpu)>>();
            void Add(string name, (double, double) t) => (times.TryGetValue(name, out var l) ? l : times[name] = []).Add(t);
            for (var round = 0; round < rounds; round++)
            {
                if (age)
                {
                    var ageOut = Path.Combine(dir, "bid.age");
                    var ageOpened = Path.Combine(dir, "age-out.zip");
                    Add("age encrypt", Run("age", ["-r", recipient!, "-o", ageOut, zipPath]));
                    Add("age decrypt", Run("age", ["-d", "-i", Path.Combine(dir, "age.key"), "-o", ageOpened, ageOut]));
                    Check(Sha256Of(ageOpened).SequenceEqual(bidSha), "age did not decrypt to the bid");
                    File.Delete(ageOut);
                    File.Delete(ageOpened);
                }

                for (var c = 0; c < clis.Count; c++)
                {
                    var env = Path.Combine(dir, "bid.env");
                    Add($"trading seal [{c}]", Run("dotnet", [clis[c], "seal", "--input", zipPath, "--tender", "T-1", "--lot", "L-1", "--bidder", "91350100MA00000000",
                        "--joint-key", Path.Combine(dir, "joint-key.json"), "--signing-key", Path.Combine(dir, "bidder.pem"), "--out", env]));
                    var manifest = CryptoJson.Deserialize<SignedManifest>(File.ReadAllText(env + ".manifest.json"));
                    Check(manifest.Manifest.EnvelopeSha256.AsSpan().SequenceEqual(Sha256Of(env)), "the envelope's SHA-256 is not the one its manifest names");
                    Check(manifest.Manifest.EnvelopeLength == new FileInfo(env).Length, "the envelope's length is not the one its manifest names");
                    byte[] r;
                    using (var s = File.OpenRead(env)) r = EnvelopeHeader.ReadAsync(s).GetAwaiter().GetResult().Header.EphemeralPoint;
                    File.WriteAllText(Path.Combine(dir, "partials.json"), CryptoJson.Serialize(secrets.Select(x => ThresholdOpening.PartialDecrypt(x, key, r)).ToList()));
                    var outDir = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;

                    // No receipt is given (there is no platform here), so open exits 1 for the missing signer data only: "1 opened, 0 failed".
                    Add($"trading open [{c}]", Run("dotnet", [clis[c], "open", "--joint-key", Path.Combine(dir, "joint-key.json"), "--envelope", env,
                        "--partials", Path.Combine(dir, "partials.json"), "--out-dir", outDir, "--transcript", Path.Combine(dir, "t.json"), "--lang", "en"], "1 opened, 0 failed"));
                    Check(Sha256Of(Directory.GetFiles(outDir).Single()).SequenceEqual(bidSha), "trading open did not decrypt to the bid");
                    if (keep && c == clis.Count - 1) continue;
                    Directory.Delete(outDir, true);
                    File.Delete(env);
                    File.Delete(env + ".manifest.json");
                }

                log.WriteLine($"round {round + 1}: " + string.Join("  ", times.Select(t => string.Create(inv, $"{t.Key} {t.Value[^1].Wall:F2}/{t.Value[^1].Cpu:F2} s"))) + $"  load {LoadAverage()}");
            }

            log.WriteLine();
            log.WriteLine("| process | best wall | median wall | median CPU (user+sys) | MB/s (best wall) |");
            log.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var (name, l) in times)
            {
                var wall = l.Select(t => t.Wall).Order().ToList();
                var cpu = l.Select(t => t.Cpu).Order().ToList();
                log.WriteLine(string.Create(inv, $"| {name} | {wall[0]:F2} s | {Median(wall):F2} s | {Median(cpu):F2} s | {size / 1e6 / wall[0]:F0} |"));
            }

            log.WriteLine($"load average after: {LoadAverage()} ({DateTime.UtcNow:HH:mm:ss} UTC); [n] = trading.dll given as argument n: {string.Join(", ", clis.Select((c, i) => $"[{i}] {c}"))}");
        }
        finally
        {
            if (keep) log.WriteLine($"kept {dir}");
            else Directory.Delete(dir, true);
        }
    }

    private static TimeSpan s_pause;

    private static double Median(List<double> sorted) => sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException("cli-vs-age: " + what);
    }

    private static byte[] Sha256Of(string path)
    {
        using var f = File.OpenRead(path);
        return SHA256.HashData(f);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Runs a process to its end: its wall time and its CPU time (user + system of the reaped child).</summary>
    /// <param name="exitOneWhen">Exit code 1 is accepted when standard output contains this (trading open without receipts).</param>
    private static (double Wall, double Cpu) Run(string file, string[] args, string? exitOneWhen = null)
    {
        Thread.Sleep(s_pause);
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var cpuBefore = ChildrenCpuSeconds();
        var sw = Stopwatch.StartNew();
        using var proc = Process.Start(psi)!;
        var o = proc.StandardOutput.ReadToEndAsync();
        var e = proc.StandardError.ReadToEndAsync();
        proc.WaitForExit();
        var wall = sw.Elapsed.TotalSeconds;
        var cpu = ChildrenCpuSeconds() - cpuBefore;
        var accepted = proc.ExitCode == 0 || (proc.ExitCode == 1 && exitOneWhen is not null && o.Result.Contains(exitOneWhen, StringComparison.Ordinal));
        if (!accepted) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({proc.ExitCode}): {e.Result} {o.Result}");
        return (wall, cpu);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timeval
    {
        public long Seconds;
        public long Microseconds;
    }

    // struct rusage on 64-bit Linux: two timevals, then 14 longs this bench does not read (144 bytes).
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    private struct Rusage
    {
        public Timeval User;
        public Timeval System;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out Rusage usage);

    /// <summary>RUSAGE_CHILDREN: user + system seconds of every child reaped so far (Process.WaitForExit reaps).</summary>
    private static double ChildrenCpuSeconds()
    {
        GetRusage(-1, out var u);
        return u.User.Seconds + u.User.Microseconds / 1e6 + u.System.Seconds + u.System.Microseconds / 1e6;
    }
}
