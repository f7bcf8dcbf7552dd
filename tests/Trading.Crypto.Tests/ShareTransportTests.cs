using Trading.Crypto;

namespace Trading.Crypto.Tests;

public class ShareTransportTests
{
    [Fact]
    public void A_ceremony_run_through_encrypted_transport_yields_working_secrets()
    {
        var p = new CeremonyParameters("transport ceremony", 3, 2);
        var transport = Enumerable.Range(1, 3).Select(_ => ShareTransport.CreateTransportKey()).ToList();
        var points = transport.Select(ShareTransport.PublicPoint).ToList();
        var dealers = Enumerable.Range(1, 3).Select(i => HolderDealer.Create(p, i)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        var key = CeremonyVerifier.ComputeJointKey(p, commitments);
        for (var j = 1; j <= 3; j++)
        {
            var received = dealers.Select(d => ShareTransport.Decrypt(p, ShareTransport.Encrypt(p, d.ShareFor(j), points[j - 1]), transport[j - 1])).ToList();
            using var secret = CeremonyVerifier.CombineShares(p, key, commitments, j, received);
            secret.CheckBelongsTo(key);
        }

        transport.ForEach(t => t.Dispose());
    }

    [Fact]
    public void A_share_cannot_be_read_by_another_holder_redirected_or_moved_to_another_ceremony()
    {
        var p = new CeremonyParameters("c", 3, 3);
        using var bob = ShareTransport.CreateTransportKey();
        using var eve = ShareTransport.CreateTransportKey();
        var dealer = HolderDealer.Create(p, 1);
        var sent = ShareTransport.Encrypt(p, dealer.ShareFor(2), ShareTransport.PublicPoint(bob));
        Assert.Equal(dealer.ShareFor(2).Value, ShareTransport.Decrypt(p, sent, bob).Value);
        var attempts = new Action[]
        {
            () => ShareTransport.Decrypt(p, sent, eve),
            () => ShareTransport.Decrypt(p, sent with { RecipientIndex = 3 }, bob),
            () => ShareTransport.Decrypt(p, sent with { DealerIndex = 3 }, bob),
            () => ShareTransport.Decrypt(p with { CeremonyId = "d" }, sent with { CeremonyId = "d" }, bob),
            () => ShareTransport.Decrypt(p, sent with { Ciphertext = CeremonyTests.Flip(sent.Ciphertext) }, bob),
        };
        foreach (var attempt in attempts)
        {
            Assert.Equal(CryptoErrorCode.ShareTransportFailed, Assert.Throws<CryptoException>(attempt).Code);
        }

        var badPoint = Convert.FromHexString(InvalidPoints.Hex[0]);
        Assert.Equal(CryptoErrorCode.InvalidPoint, Assert.Throws<CryptoException>(() => ShareTransport.Encrypt(p, dealer.ShareFor(2), badPoint)).Code);
        Assert.Equal(CryptoErrorCode.InvalidPoint, Assert.Throws<CryptoException>(() => ShareTransport.Decrypt(p, sent with { EphemeralPoint = badPoint }, bob)).Code);
    }
}

public class SealedTransportKeyTests
{
    [Fact]
    public void A_sealed_transport_key_unseals_with_its_passphrase_and_decrypts_shares_sent_to_its_point()
    {
        var p = new CeremonyParameters("sealed transport", 3, 3);
        using var key = ShareTransport.CreateTransportKey();
        var point = ShareTransport.PublicPoint(key);
        var record = ShareSealing.SealTransportKey(key, 2, "officer-li", "口令 passphrase", SealedShareTests.Fast);
        var dealer = HolderDealer.Create(p, 1);
        var sent = ShareTransport.Encrypt(p, dealer.ShareFor(2), point);

        using var back = ShareSealing.UnsealTransportKey(record, point, "口令 passphrase");
        Assert.Equal(dealer.ShareFor(2).Value, ShareTransport.Decrypt(p, sent, back).Value);
    }

    [Fact]
    public void A_wrong_passphrase_or_another_point_is_refused_by_rule()
    {
        using var key = ShareTransport.CreateTransportKey();
        using var other = ShareTransport.CreateTransportKey();
        var record = ShareSealing.SealTransportKey(key, 1, "officer", "right", SealedShareTests.Fast);
        Assert.Equal(CryptoErrorCode.WrongPassphrase, Assert.Throws<CryptoException>(() => ShareSealing.UnsealTransportKey(record, ShareTransport.PublicPoint(key), "wrong")).Code);
        Assert.Equal(CryptoErrorCode.SealedShareInvalid, Assert.Throws<CryptoException>(() => ShareSealing.UnsealTransportKey(record, ShareTransport.PublicPoint(other), "right")).Code);
    }
}
