using System.Diagnostics;
using System.Security.Cryptography;

namespace Trading.Crypto.Bench;

/// <summary>
/// Where one bid's opening goes, step by step, on a 20 MiB envelope in a file (page cache): the SHA-256 of the file,
/// the decryption alone, decryption through the hashing stream, into a file, and with the file's fsync; beside raw
/// AES-256-GCM over the same bytes. Wall and process CPU time, best of the rounds, with the load.
///   dotnet run -c Release --project bench/Trading.Crypto.Bench -- open-one [sizeMiB] [rounds]
/// </summary>
internal static class OpenOne
{
    public static async Task RunAsync(int sizeMiB, int rounds)
    {
        var p = new CeremonyParameters("bench", 3, 3);
        var dealers = Enumerable.Range(1, 3).Select(i => HolderDealer.Create(p, i)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        var key = CeremonyVerifier.ComputeJointKey(p, commitments);
        var secrets = Enumerable.Range(1, 3).Select(j => CeremonyVerifier.CombineShares(p, key, commitments, j, dealers.Select(d => d.ShareFor(j)).ToList())).ToList();
        var bid = new BidContext("tender-bench", "lot-1", "bidder-bench");
        var dir = Directory.CreateTempSubdirectory("trading-open-one-").FullName;
        try
        {
            var envPath = Path.Combine(dir, "bid.env");
            EnvelopeSealResult sealedBid;
            await using (var output = File.Create(envPath))
                sealedBid = await Envelope.SealAsync(new MemoryStream(RandomNumberGenerator.GetBytes(sizeMiB << 20)), output, key, bid);
            var r = sealedBid.Header.EphemeralPoint;
            var combination = ThresholdOpening.Combine(key, r, secrets.Select(s => ThresholdOpening.PartialDecrypt(s, key, r)).ToList());
            FileStream Read() => new(envPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            FileStream Out() => new(Path.Combine(dir, "plain-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 0);
            var steps = new (string Name, Func<Task> Run)[]
            {
                ("raw AES-256-GCM, 1 MiB chunks, from the file", async () =>
                {
                    using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
                    var buf = new byte[1 << 20];
                    var o = new byte[1 << 20];
                    var tag = new byte[16];
                    var nonce = new byte[12];
                    await using var f = Read();
                    int n;
                    while ((n = await f.ReadAtLeastAsync(buf, buf.Length, false)) > 0) aes.Encrypt(nonce, buf.AsSpan(0, n), o.AsSpan(0, n), tag);
                }),
                ("SHA-256 of the file", async () => { await using var f = Read(); await SHA256.HashDataAsync(f); }),
                ("decrypt to nothing", async () => { await using var f = Read(); await Envelope.DecryptAsync(f, Stream.Null, key, combination, bid); }),
                ("decrypt through the hashing stream", async () =>
                {
                    await using var f = Read();
                    using var h = new HashingReadStream(f);
                    await Envelope.DecryptAsync(h, Stream.Null, key, combination, bid);
                    h.Hash();
                }),
                ("... into a file", async () =>
                {
                    await using var f = Read();
                    using var h = new HashingReadStream(f);
                    await using var o = Out();
                    await Envelope.DecryptAsync(h, o, key, combination, bid);
                    h.Hash();
                    File.Delete(o.Name);
                }),
                ("... into a file with fsync", async () =>
                {
                    await using var f = Read();
                    using var h = new HashingReadStream(f);
                    await using var o = Out();
                    await Envelope.DecryptAsync(h, o, key, combination, bid);
                    h.Hash();
                    o.Flush(flushToDisk: true);
                    File.Delete(o.Name);
                }),
                ("two bids at once, each as above (CPU per bid)", async () =>
                {
                    var before = Environment.CpuUsage.TotalTime;
                    await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
                    {
                        await using var f = Read();
                        using var h = new HashingReadStream(f);
                        await using var o = Out();
                        await Envelope.DecryptAsync(h, o, key, combination, bid);
                        h.Hash();
                        o.Flush(flushToDisk: true);
                        File.Delete(o.Name);
                    })));
                }),
            };
            var best = steps.Select(_ => (Wall: double.MaxValue, Cpu: double.MaxValue)).ToArray();
            Console.WriteLine($"# one bid's opening, {sizeMiB} MiB, {Environment.ProcessorCount} cores, load {Load()}");
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < steps.Length; i++)
                {
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    await steps[i].Run();
                    var wall = sw.Elapsed.TotalMilliseconds;
                    var c = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
                    best[i] = (Math.Min(best[i].Wall, wall), Math.Min(best[i].Cpu, c));
                }
            }
            Console.WriteLine("| step | best wall | best process CPU | CPU / raw AES |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            for (var i = 0; i < steps.Length; i++)
                Console.WriteLine($"| {steps[i].Name} | {best[i].Wall:F1} ms | {best[i].Cpu:F1} ms | {best[i].Cpu / best[0].Cpu:F1} |");
            Console.WriteLine($"load at the end {Load()}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
