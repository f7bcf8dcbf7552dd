using Trading.PublicLog;

namespace Trading.Web.Infrastructure;

/// <summary>
/// The key that signs public log checkpoints (ECDSA P-256, C2SP signed-note): the log-signing certificate
/// of the centre's PKI (Features/Log/CentreKeys), so checkpoints, receipts and downloads all chain to the
/// one root certificate verifiers pin.
/// </summary>
public sealed class LogSigningKey(string origin, NoteSigner signer)
{
    public const string DefaultOrigin = "trading.local/log";

    /// <summary>The log's name: the first line of every checkpoint and the signature key name.</summary>
    public string Origin { get; } = origin;

    public NoteSigner Signer { get; } = signer;

    /// <summary>DER SubjectPublicKeyInfo, published so anyone can check checkpoints without trusting the server.</summary>
    public ReadOnlySpan<byte> PublicKey => Signer.Verifier.SubjectPublicKeyInfo;
}
