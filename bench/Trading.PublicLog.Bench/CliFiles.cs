using Trading.PublicLog;

namespace Trading.PublicLog.Bench;

/// <summary>
/// The files `trading verify-log` reads (bench/cli-verify-log.sh): a download of <c>size</c> entries, ten signed
/// checkpoints and a development PKI. The benchmark writes 1,000,000 entries; the smoke run a few thousand.
/// </summary>
public static class CliFiles
{
    public static void Write(string dir, int size)
    {
        Directory.CreateDirectory(dir);
        var now = DateTimeOffset.UtcNow;
        using var pki = CentrePki.CreateDevelopment("Bench Centre", now);
        foreach (var (name, content) in pki.ToPemFiles())
        {
            File.WriteAllText(Path.Combine(dir, name), content);
        }
        var (store, log) = MillionLog.Build(size);
        var entries = store.GetEntriesAsync(0, size).AsTask().GetAwaiter().GetResult();
        using (var writer = new StreamWriter(Path.Combine(dir, "entries.jsonl")))
        {
            LogVerifier.WriteJsonLines(entries.Select((e, i) => new LogExportRecord(i, e, store.GetNode(new NodeAddress(0, i)))), writer);
        }
        var signer = pki.LogSigner(MillionLog.Origin);
        var notes = Enumerable.Range(1, 10).Select(k => SignedNote.SignCheckpoint(
            new Checkpoint(MillionLog.Origin, k * (size / 10L), log.GetRootAsync(k * (size / 10L)).GetAwaiter().GetResult(), now.AddMinutes(k)), signer));
        File.WriteAllText(Path.Combine(dir, "checkpoints.json"), LogVerifier.WriteCheckpoints(notes));
    }
}
