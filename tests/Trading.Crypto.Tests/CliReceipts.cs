using System.Security.Cryptography;
using Trading.PublicLog;

namespace Trading.Crypto.Tests;

/// <summary>
/// Real bid receipts for the CLI tests of <c>trading open</c>: a development PKI, a Merkle log holding the bid's
/// <c>bid.submitted</c> entry, a signed checkpoint and an RFC 3161 time-stamp, as the platform issues them.
/// </summary>
internal static class CliReceipts
{
    private static readonly Lazy<CentrePki> Shared = new(() => CentrePki.CreateDevelopment("CLI Test Centre", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    /// <summary>The log's root certificate (PEM), for <c>--receipt-root</c>.</summary>
    public static string RootPem => Shared.Value.Root.ExportCertificatePem();

    /// <summary>Writes the receipt of the envelope at <paramref name="envelopePath"/>, submitted at <paramref name="at"/>, optionally under a firm certificate.</summary>
    public static async Task WriteAsync(string path, string envelopePath, DateTimeOffset at, byte[]? certificate = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var envelope = await File.ReadAllBytesAsync(envelopePath, ct);
        var pki = Shared.Value;
        var store = new InMemoryLogStore();
        var log = new MerkleLog(store);
        await log.AppendAsync(new LogEntry(LogEntryTypes.TenderDocumentObtained, 1, at.AddMinutes(-5), "T-1", []).ToCanonicalBytes(), ct);
        var entry = LogEntry.BidSubmitted("T-1", "L-1", new Pseudonymizer(new byte[32]).Pseudonym("firm", Path.GetFileName(envelopePath)), SHA256.HashData(envelope), envelope.Length, at);
        var index = await log.AppendAsync(entry.ToCanonicalBytes(), ct);
        var size = await log.GetSizeAsync(ct);
        var signer = pki.LogSigner("trading.test/log");
        var note = SignedNote.SignCheckpoint(new Checkpoint("trading.test/log", size, await log.GetRootAsync(size, ct), at), signer);
        var receipt = await BidReceipt.CreateAsync(log, store, index, note, signer.Verifier, [pki.LogSigning, pki.Issuing], ct) with
        {
            Signer = certificate is null ? null : ReceiptSigner.Of(certificate),
        };
        receipt = receipt with { TimeStampToken = Convert.ToBase64String(pki.TimeStampAuthority().Stamp(receipt.Imprint(), at.AddSeconds(1))) };
        await File.WriteAllTextAsync(path, receipt.ToJson(), ct);
    }
}
