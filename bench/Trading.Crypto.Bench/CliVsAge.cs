using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Trading.Crypto.Bench;

/// <summary>
/// The command line against age (Debian's Go file-encryption tool) on the same file: <c>trading seal</c> vs
/// <c>age -r</c>, <c>trading open</c> (one envelope, three holders' partials) vs <c>age -d</c>, wall time of each
/// process including its start, interleaved round by round so both see the same load. Prints the load with every row.
///   dotnet run -c Release --project bench/Trading.Crypto.Bench -- cli-vs-age [sizeMiB] [rounds] [trading.dll ...]
/// Several trading.dll paths compare builds (for example main's and a branch's) in the same run.
/// </summary>
internal static class CliVsAge
{
    public static void Run(int sizeMiB, int rounds, IReadOnlyList<string> clis)
    {
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
            Run("age-keygen", ["-o", Path.Combine(dir, "age.key")]);
            var recipient = File.ReadAllLines(Path.Combine(dir, "age.key")).First(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..];
            var size = new FileInfo(zipPath).Length;
            Console.WriteLine($"# trading seal/open vs age, {size / 1048576.0:F0} MiB, {Environment.ProcessorCount} cores, load {Load()}");
            var times = new Dictionary<string, List<double>>();
            void Add(string name, double s) => (times.TryGetValue(name, out var l) ? l : times[name] = []).Add(s);
            for (var round = 0; round < rounds; round++)
            {
                var ageOut = Path.Combine(dir, "bid.age");
                Add("age encrypt", Run("age", ["-r", recipient, "-o", ageOut, zipPath]));
                Add("age decrypt", Run("age", ["-d", "-i", Path.Combine(dir, "age.key"), "-o", Path.Combine(dir, "age-out.zip"), ageOut]));
                File.Delete(ageOut);
                File.Delete(Path.Combine(dir, "age-out.zip"));
                for (var c = 0; c < clis.Count; c++)
                {
                    var env = Path.Combine(dir, "bid.env");
                    Add($"trading seal [{c}]", Run("dotnet", [clis[c], "seal", "--input", zipPath, "--tender", "T-1", "--lot", "L-1", "--bidder", "91350100MA00000000",
                        "--joint-key", Path.Combine(dir, "joint-key.json"), "--signing-key", Path.Combine(dir, "bidder.pem"), "--out", env]));
                    byte[] r;
                    using (var s = File.OpenRead(env)) r = EnvelopeHeader.ReadAsync(s).GetAwaiter().GetResult().Header.EphemeralPoint;
                    File.WriteAllText(Path.Combine(dir, "partials.json"), CryptoJson.Serialize(secrets.Select(x => ThresholdOpening.PartialDecrypt(x, key, r)).ToList()));
                    var outDir = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
                    Add($"trading open [{c}]", Run("dotnet", [clis[c], "open", "--joint-key", Path.Combine(dir, "joint-key.json"), "--envelope", env,
                        "--partials", Path.Combine(dir, "partials.json"), "--out-dir", outDir, "--transcript", Path.Combine(dir, "t.json")]));
                    if (new FileInfo(Directory.GetFiles(outDir).Single()).Length != size) throw new InvalidOperationException("opened bid differs in length");
                    if (keep && c == clis.Count - 1) continue;
                    Directory.Delete(outDir, true);
                    File.Delete(env);
                }
                Console.WriteLine($"round {round + 1}: " + string.Join("  ", times.Select(t => $"{t.Key} {t.Value[^1]:F2} s")) + $"  load {Load()}");
            }
            Console.WriteLine();
            Console.WriteLine("| process | best | median | MB/s (best) |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            foreach (var (name, l) in times)
            {
                var sorted = l.Order().ToList();
                Console.WriteLine(string.Create(inv, $"| {name} | {sorted[0]:F2} s | {sorted[sorted.Count / 2]:F2} s | {size / 1e6 / sorted[0]:F0} |"));
            }
            Console.WriteLine($"load at the end {Load()}; [n] = trading.dll given as argument n: {string.Join(", ", clis.Select((c, i) => $"[{i}] {c}"))}");
        }
        finally
        {
            if (keep) Console.WriteLine($"kept {dir}");
            else Directory.Delete(dir, true);
        }
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static double Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var proc = Process.Start(psi)!;
        var o = proc.StandardOutput.ReadToEndAsync();
        var e = proc.StandardError.ReadToEndAsync();
        proc.WaitForExit();
        var s = sw.Elapsed.TotalSeconds;
        if (proc.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({proc.ExitCode}): {e.Result} {o.Result}");
        return s;
    }
}
