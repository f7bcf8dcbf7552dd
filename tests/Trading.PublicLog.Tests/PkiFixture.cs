using System.Security.Cryptography;
using System.Text;

namespace Trading.PublicLog.Tests;

/// <summary>One development PKI per test class: key generation is cheap, but not free.</summary>
public sealed class PkiFixture : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public CentrePki Pki { get; } = CentrePki.CreateDevelopment("Test Centre", Now);

    /// <summary>A second, unrelated centre, for "wrong root" cases.</summary>
    public CentrePki Other { get; } = CentrePki.CreateDevelopment("Other Centre", Now);

    public void Dispose()
    {
        Pki.Dispose();
        Other.Dispose();
    }

    /// <summary>A log with a few events and one bid; returns the stamped receipt JSON for the bid.</summary>
    public async Task<(string Json, MerkleLog Log, InMemoryLogStore Store)> ReceiptAsync(CentrePki pki, int entriesBefore = 6, int entriesAfter = 3, CentrePki? tsaPki = null,
        ReceiptSigner? firmSigner = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryLogStore();
        var log = new MerkleLog(store);
        for (int i = 0; i < entriesBefore; i++)
        {
            await log.AppendAsync(new LogEntry(LogEntryTypes.TenderDocumentObtained, 1, Now.AddMinutes(i), "T-1", []).ToCanonicalBytes(), ct);
        }
        var pseudonyms = new Pseudonymizer(new byte[32]);
        var bid = LogEntry.BidSubmitted("T-1", "L-1", pseudonyms.Pseudonym("firm", "91350100MA2XXXXX1X"), SHA256.HashData("ciphertext"u8), 123456, Now.AddHours(1));
        long index = await log.AppendAsync(bid.ToCanonicalBytes(), ct);
        for (int i = 0; i < entriesAfter; i++)
        {
            await log.AppendAsync(new LogEntry(LogEntryTypes.BidWithdrawn, 1, Now.AddHours(2), "T-1", []).ToCanonicalBytes(), ct);
        }
        long size = await log.GetSizeAsync(ct);
        var signer = pki.LogSigner("trading.test/log");
        var note = SignedNote.SignCheckpoint(new Checkpoint("trading.test/log", size, await log.GetRootAsync(size, ct), Now.AddHours(1)), signer);
        var receipt = await BidReceipt.CreateAsync(log, store, index, note, signer.Verifier, [pki.LogSigning, pki.Issuing], ct);
        receipt = receipt with { Signer = firmSigner };
        var stamped = receipt with { TimeStampToken = Convert.ToBase64String((tsaPki ?? pki).TimeStampAuthority().Stamp(receipt.Imprint(), Now.AddHours(1).AddSeconds(1))) };
        return (stamped.ToJson(), log, store);
    }

    public static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
