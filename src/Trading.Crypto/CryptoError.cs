using System.Globalization;

namespace Trading.Crypto;

/// <summary>Stable codes for every refusal this library makes; the web app localizes them with <see cref="CryptoMessages"/>.</summary>
public enum CryptoErrorCode
{
    /// <summary>A point is not a valid uncompressed P-256 point (wrong length, prefix, coordinates or not on the curve).</summary>
    InvalidPoint,
    /// <summary>A point is the point at infinity, which would leak or cancel keys.</summary>
    PointAtInfinity,
    /// <summary>A scalar is out of range (zero or not below the group order).</summary>
    InvalidScalar,
    /// <summary>The envelope does not start with the format's magic bytes.</summary>
    BadMagic,
    /// <summary>The format version is not one this library reads.</summary>
    UnsupportedVersion,
    /// <summary>The cryptographic suite id is not supported.</summary>
    UnsupportedSuite,
    /// <summary>Two things that must share a suite do not (an envelope and its joint key, a manifest and its signing key).</summary>
    SuiteMismatch,
    /// <summary>The envelope ended inside its header or wrapped key.</summary>
    HeaderTruncated,
    /// <summary>A header field breaks its rule (length, encoding, range).</summary>
    HeaderFieldInvalid,
    /// <summary>The header names a different tender than expected.</summary>
    WrongTender,
    /// <summary>The header names a different lot than expected.</summary>
    WrongLot,
    /// <summary>The header names a different bidder than expected.</summary>
    WrongBidder,
    /// <summary>The header was sealed to a different joint key.</summary>
    WrongJointKey,
    /// <summary>The wrapped file key does not authenticate: wrong key, wrong bidder context or changed header.</summary>
    KeyUnwrapFailed,
    /// <summary>A payload chunk does not authenticate: changed, swapped, repeated or dropped.</summary>
    ChunkAuthenticationFailed,
    /// <summary>The payload ends before its final chunk.</summary>
    PayloadTruncated,
    /// <summary>Bytes follow the final chunk.</summary>
    PayloadExtended,
    /// <summary>The envelope is larger than the caller allows.</summary>
    EnvelopeTooLarge,
    /// <summary>The passphrase does not unseal the share.</summary>
    WrongPassphrase,
    /// <summary>Stored Argon2 parameters are out of the accepted range.</summary>
    KdfParametersInvalid,
    /// <summary>A sealed share record is malformed.</summary>
    SealedShareInvalid,
    /// <summary>Threshold or holder count is out of range.</summary>
    InvalidThreshold,
    /// <summary>A holder index is zero, negative or above n.</summary>
    HolderIndexOutOfRange,
    /// <summary>A dealer's Schnorr proof of its constant term fails.</summary>
    SchnorrProofInvalid,
    /// <summary>A dealt share does not match the dealer's Feldman commitments.</summary>
    ShareVerificationFailed,
    /// <summary>An encrypted share does not decrypt for this recipient, ceremony, dealer and index.</summary>
    ShareTransportFailed,
    /// <summary>A ceremony record is inconsistent (counts, ids, duplicates).</summary>
    CeremonyInvalid,
    /// <summary>A holder secret does not belong to this joint key.</summary>
    SecretFromOtherKey,
    /// <summary>A partial decryption's Chaum-Pedersen proof fails.</summary>
    DleqProofInvalid,
    /// <summary>Fewer than t valid partial decryptions are available.</summary>
    TooFewPartials,
    /// <summary>The same holder index appears twice.</summary>
    DuplicateHolderIndex,
    /// <summary>A partial decryption is for a different R than the bid's.</summary>
    PartialForOtherBid,
    /// <summary>The recorded combination (Lagrange coefficients or combined point) does not match a recomputation.</summary>
    CombinationMismatch,
    /// <summary>The manifest signature does not verify.</summary>
    ManifestSignatureInvalid,
    /// <summary>The manifest does not describe this envelope.</summary>
    ManifestMismatch,
    /// <summary>A JSON record (transcript, key, share) is malformed.</summary>
    RecordInvalid,
    /// <summary>An acknowledgement's signature does not verify for this ceremony, dealing and officer.</summary>
    AcknowledgementInvalid,
    /// <summary>A complaint's evidence is false: its proof fails, or the share it opens does match the commitments.</summary>
    ComplaintEvidenceFalse,
    /// <summary>A point asked to be partially decrypted is not in the tender's frozen bid list.</summary>
    NotInFrozenList,
    /// <summary>The frozen bid list does not check out against the log (inclusion proof, checkpoint or its signatures).</summary>
    FrozenListUnverified,
    /// <summary>The opening transcript's version is not one this library reads.</summary>
    TranscriptVersionUnsupported,
    /// <summary>A version 2 transcript entry lacks its signer data (submission time or signed manifest).</summary>
    SignerDataMissing,
    /// <summary>The signer certificate in a transcript entry is not a readable X.509 certificate.</summary>
    SignerCertificateInvalid,
    /// <summary>The signer certificate does not certify the key that signed the manifest.</summary>
    SignerKeyMismatch,
    /// <summary>The signer certificate was not valid at the bid's submission time.</summary>
    SignerNotValidAtSubmission,
    /// <summary>The signer certificate does not chain to any root given, at the bid's submission time.</summary>
    SignerUntrusted,
    /// <summary>The signer certificate was revoked at or before the bid's submission time, by a revocation list its issuer signed.</summary>
    SignerRevoked,
}

/// <summary>
/// A refusal with a stable <see cref="Code"/> and arguments, so callers can localize it (zh-CN and en are built in);
/// the exception message is the English text.
/// </summary>
public sealed class CryptoException : Exception
{
    /// <summary>Creates a refusal with a code and its message arguments.</summary>
    public CryptoException(CryptoErrorCode code, params string[] args)
        : base(CryptoMessages.Format(code, args, "en"))
    {
        Code = code;
        Arguments = args;
    }

    /// <summary>Creates a refusal naming the holder whose contribution failed.</summary>
    public CryptoException(CryptoErrorCode code, int holderIndex, params string[] args)
        : this(code, args)
    {
        HolderIndex = holderIndex;
    }

    /// <summary>Which rule refused the input.</summary>
    public CryptoErrorCode Code { get; }

    /// <summary>Message arguments (field names, indices, values) in invariant form.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The key holder at fault, when one is.</summary>
    public int? HolderIndex { get; }

    /// <summary>The message in the given culture ("zh-CN" or "en").</summary>
    public string LocalizedMessage(string culture) => CryptoMessages.Format(Code, Arguments, culture);
}

/// <summary>Message templates for <see cref="CryptoErrorCode"/> in English and Simplified Chinese.</summary>
public static class CryptoMessages
{
    private static readonly Dictionary<CryptoErrorCode, (string En, string Zh)> Templates = new()
    {
        [CryptoErrorCode.InvalidPoint] = ("{0} is not a valid uncompressed point of the suite's curve: {1}", "{0} 不是该密码套件曲线上有效的非压缩点：{1}"),
        [CryptoErrorCode.PointAtInfinity] = ("{0} is the point at infinity, which is never a valid key or share", "{0} 是无穷远点，不能作为密钥或份额"),
        [CryptoErrorCode.InvalidScalar] = ("{0} must be a scalar in 1..n-1", "{0} 必须是 1..n-1 范围内的标量"),
        [CryptoErrorCode.BadMagic] = ("not a sealed bid envelope: the file does not start with the envelope magic bytes", "不是加密投标文件：文件头标识不符"),
        [CryptoErrorCode.UnsupportedVersion] = ("envelope format version {0} is not supported (this software reads version 1)", "不支持加密投标文件格式版本 {0}（本软件支持版本 1）"),
        [CryptoErrorCode.UnsupportedSuite] = ("cryptographic suite {0} is not supported", "不支持密码套件 {0}"),
        [CryptoErrorCode.SuiteMismatch] = ("the {0} uses cryptographic suite {1}, but {2} is required here", "{0}使用的密码套件为 {1}，此处要求 {2}"),
        [CryptoErrorCode.HeaderTruncated] = ("the envelope ends inside its {0}", "加密投标文件在 {0} 处被截断"),
        [CryptoErrorCode.HeaderFieldInvalid] = ("header field {0} is invalid: {1}", "文件头字段 {0} 无效：{1}"),
        [CryptoErrorCode.WrongTender] = ("the envelope is for tender '{0}', expected '{1}'", "该加密投标文件属于招标项目“{0}”，应为“{1}”"),
        [CryptoErrorCode.WrongLot] = ("the envelope is for lot '{0}', expected '{1}'", "该加密投标文件属于标段“{0}”，应为“{1}”"),
        [CryptoErrorCode.WrongBidder] = ("the envelope is for bidder '{0}', expected '{1}'", "该加密投标文件属于投标人“{0}”，应为“{1}”"),
        [CryptoErrorCode.WrongJointKey] = ("the envelope was sealed to joint key {0}, expected {1}", "该加密投标文件使用的联合公钥为 {0}，应为 {1}"),
        [CryptoErrorCode.KeyUnwrapFailed] = ("the file key does not unwrap: wrong key, a header changed, or the ciphertext was copied under another name", "文件密钥解封失败：密钥错误、文件头被改动或密文被冒用"),
        [CryptoErrorCode.ChunkAuthenticationFailed] = ("payload chunk {0} does not authenticate: it was changed, swapped, repeated or dropped", "第 {0} 个数据块校验失败：被篡改、调换、重复或删除"),
        [CryptoErrorCode.PayloadTruncated] = ("the payload ends after chunk {0} without its final chunk", "数据在第 {0} 块后结束，缺少最后一块"),
        [CryptoErrorCode.PayloadExtended] = ("extra bytes follow the final chunk {0}", "最后一块（第 {0} 块）之后有多余数据"),
        [CryptoErrorCode.EnvelopeTooLarge] = ("the envelope exceeds the limit of {0} bytes", "加密投标文件超过 {0} 字节的上限"),
        [CryptoErrorCode.WrongPassphrase] = ("the passphrase does not unseal the share of holder {0} for officer '{1}'", "口令无法解封解密密钥持有方 {0}（经办人“{1}”）的份额"),
        [CryptoErrorCode.KdfParametersInvalid] = ("Argon2id parameters are out of range: {0}", "Argon2id 参数超出范围：{0}"),
        [CryptoErrorCode.SealedShareInvalid] = ("the sealed share record is malformed: {0}", "封存份额记录格式错误：{0}"),
        [CryptoErrorCode.InvalidThreshold] = ("threshold {0} of {1} holders is not allowed: {2}", "门限 {0}/{1} 不允许：{2}"),
        [CryptoErrorCode.HolderIndexOutOfRange] = ("holder index {0} is outside 1..{1}", "持有方序号 {0} 不在 1..{1} 范围内"),
        [CryptoErrorCode.SchnorrProofInvalid] = ("holder {0}'s proof of knowledge of its constant term does not verify", "持有方 {0} 的常数项知识证明验证失败"),
        [CryptoErrorCode.ShareVerificationFailed] = ("the share dealt by holder {0} to holder {1} does not match the dealer's commitments", "持有方 {0} 分发给持有方 {1} 的份额与其承诺不符"),
        [CryptoErrorCode.ShareTransportFailed] = ("the encrypted share from holder {0} does not decrypt for holder {1} in this ceremony", "持有方 {0} 发给持有方 {1} 的加密份额无法在本次密钥仪式中解密"),
        [CryptoErrorCode.CeremonyInvalid] = ("the key ceremony record is inconsistent: {0}", "密钥仪式记录不一致：{0}"),
        [CryptoErrorCode.SecretFromOtherKey] = ("holder {0}'s secret does not belong to this joint key (another ceremony?)", "持有方 {0} 的密钥份额不属于该联合公钥（来自其他密钥仪式？）"),
        [CryptoErrorCode.DleqProofInvalid] = ("holder {0}'s partial decryption fails its Chaum-Pedersen proof", "持有方 {0} 的部分解密未通过 Chaum-Pedersen 证明"),
        [CryptoErrorCode.TooFewPartials] = ("{0} valid partial decryptions, {1} needed{2}", "有效部分解密 {0} 份，需要 {1} 份{2}"),
        [CryptoErrorCode.DuplicateHolderIndex] = ("holder index {0} appears more than once", "持有方序号 {0} 重复出现"),
        [CryptoErrorCode.PartialForOtherBid] = ("holder {0}'s partial decryption is for a different bid (R differs)", "持有方 {0} 的部分解密对应另一份投标文件（R 不同）"),
        [CryptoErrorCode.CombinationMismatch] = ("the recorded combination does not match: {0}", "记录的组合结果不符：{0}"),
        [CryptoErrorCode.ManifestSignatureInvalid] = ("the bid manifest signature does not verify", "投标清单签名验证失败"),
        [CryptoErrorCode.ManifestMismatch] = ("the manifest does not describe this envelope: {0} differs", "投标清单与加密投标文件不符：{0} 不同"),
        [CryptoErrorCode.RecordInvalid] = ("the {0} record is malformed: {1}", "{0} 记录格式错误：{1}"),
        [CryptoErrorCode.AcknowledgementInvalid] = ("the acknowledgement of holder {1} for holder {0}'s dealing does not verify (another ceremony, dealing or officer?)", "持有方 {1} 对持有方 {0} 分发的确认签名验证失败（来自其他密钥仪式、其他分发或其他经办人？）"),
        [CryptoErrorCode.ComplaintEvidenceFalse] = ("the complaint of holder {1} against holder {0} is not borne out by its evidence: {2}", "持有方 {1} 对持有方 {0} 的投诉与其证据不符：{2}"),
        [CryptoErrorCode.NotInFrozenList] = ("point {0} is not in the tender's frozen bid list: a holder decrypts only frozen bids", "点 {0} 不在本项目冻结的投标清单中：持有方只对冻结的投标做部分解密"),
        [CryptoErrorCode.FrozenListUnverified] = ("the frozen bid list does not check out against the public log: {0}", "冻结的投标清单未能通过公开日志核验：{0}"),
        [CryptoErrorCode.TranscriptVersionUnsupported] = ("opening transcript version {0} is not supported (this software reads versions 1 and 2)", "不支持开标记录版本 {0}（本软件支持版本 1 和 2）"),
        [CryptoErrorCode.SignerDataMissing] = ("the version 2 entry lacks its {0}, so who signed the bid cannot be checked", "第 2 版记录的该条目缺少 {0}，无法核验投标签名人"),
        [CryptoErrorCode.SignerCertificateInvalid] = ("the signer certificate is not a readable X.509 certificate: {0}", "签名证书不是可读取的 X.509 证书：{0}"),
        [CryptoErrorCode.SignerKeyMismatch] = ("certificate {0} does not certify the key that signed the bid manifest", "证书 {0} 所证明的公钥不是签署投标清单的公钥"),
        [CryptoErrorCode.SignerNotValidAtSubmission] = ("certificate {0} was not valid when the bid was submitted at {1} (valid from {2} to {3})", "证书 {0} 在投标递交时（{1}）不在有效期内（有效期 {2} 至 {3}）"),
        [CryptoErrorCode.SignerUntrusted] = ("certificate {0} does not chain to any root certificate given (--ca) at the submission time {1}", "证书 {0} 在递交时（{1}）不能链接到所给的任何根证书（--ca）"),
        [CryptoErrorCode.SignerRevoked] = ("certificate {0} was revoked at {1}, at or before the bid was submitted at {2} (revocation list of {3} signed by its CA)", "证书 {0} 已于 {1} 吊销，不晚于投标递交时间 {2}（其认证机构签发的 {3} 吊销列表）"),
    };

    /// <summary>Formats the message for a code in "zh-CN" (or any "zh" culture) or English (anything else).</summary>
    public static string Format(CryptoErrorCode code, IReadOnlyList<string> args, string culture)
    {
        var (en, zh) = Templates[code];
        var template = culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? zh : en;
        var padded = new object[Math.Max(3, args.Count)];
        for (var i = 0; i < padded.Length; i++)
        {
            padded[i] = i < args.Count ? args[i] : "";
        }

        return string.Format(CultureInfo.InvariantCulture, template, padded);
    }

    /// <summary>Every code has a template in both languages (tests check this).</summary>
    public static bool HasTemplate(CryptoErrorCode code) => Templates.ContainsKey(code);
}
