using System.Globalization;
using System.Text;

namespace Trading.PublicLog;

/// <summary>
/// English and Simplified Chinese templates for every refusal code this library raises, so the
/// CLI can print either and the web app can reuse them or map the codes to its own resources.
/// Placeholders are <c>{name}</c>, filled from <see cref="PublicLogException.Arguments"/>.
/// </summary>
public static class LogMessages
{
    /// <summary>Language tag for English.</summary>
    public const string English = "en";

    /// <summary>Language tag for Simplified Chinese.</summary>
    public const string Chinese = "zh-CN";

    private static readonly Dictionary<string, (string En, string Zh)> Templates = new()
    {
        ["hash.wrong-length"] = ("A hash must be {expected} bytes, got {actual}.", "哈希值必须为 {expected} 字节，实际为 {actual} 字节。"),
        ["base64.missing"] = ("Field {field} is missing.", "缺少字段 {field}。"),
        ["base64.invalid"] = ("Field {field} is not canonical base64 (no whitespace, correct padding).", "字段 {field} 不是规范的 base64 编码（不得含空白，填充须正确）。"),
        ["proof.index-beyond-tree"] = ("Entry {index} is not in a tree of size {size}.", "条目 {index} 不在大小为 {size} 的树中。"),
        ["proof.size-beyond-tree"] = ("Tree size {size} is beyond the log, which has {treeSize} entries.", "树大小 {size} 超出日志现有的 {treeSize} 条。"),
        ["proof.inclusion-root-mismatch"] = ("The inclusion proof for entry {index} does not lead to the root of the tree of size {size}.", "条目 {index} 的包含证明无法推出大小为 {size} 的树根。"),
        ["proof.consistency-root-mismatch"] = ("The consistency proof does not show that the tree of size {size2} extends the tree of size {size1}.", "一致性证明不能表明大小为 {size2} 的树是大小为 {size1} 的树的延续。"),
        ["proof.same-size-different-root"] = ("Two checkpoints of size {size} have different roots: the log has forked.", "两个大小同为 {size} 的检查点树根不同：日志已分叉。"),
        ["proof.partial-hash"] = ("A proof of {length} bytes is not a whole number of 32-byte hashes (garbage before or after it).", "证明长度 {length} 字节不是 32 字节哈希的整数倍（前后有多余数据）。"),
        ["proof.consistency-from-zero"] = ("A consistency proof from size 0 is refused: the empty tree proves nothing about {size2} entries.", "拒绝从大小 0 开始的一致性证明：空树无法证明 {size2} 条日志的任何性质。"),
        ["proof.consistency-shrinks"] = ("A log cannot shrink from {size1} to {size2} entries.", "日志不能从 {size1} 条缩减为 {size2} 条。"),
        ["proof.empty"] = ("The proof is empty but {expected} hashes are needed.", "证明为空，但需要 {expected} 个哈希值。"),
        ["proof.wrong-length"] = ("The proof has {actual} hashes but exactly {expected} are needed (extra leading or trailing data).", "证明含 {actual} 个哈希值，但恰好需要 {expected} 个（前后有多余数据）。"),
        ["store.node-missing"] = ("Stored tree node (level {level}, index {index}) is missing.", "缺少已存储的树节点（层 {level}，序号 {index}）。"),
        ["store.node-out-of-order"] = ("Tree node (level {level}, index {index}) stored out of order.", "树节点（层 {level}，序号 {index}）存储顺序错误。"),
        ["log.gap"] = ("Entry {index} cannot be appended to a log of size {size}: numbering must have no gaps.", "条目 {index} 无法追加到大小为 {size} 的日志：编号不得有空缺。"),
        ["log.range-beyond-tree"] = ("Entries {start} to {start}+{count} are beyond the log of size {size}.", "条目 {start} 至 {start}+{count} 超出大小为 {size} 的日志。"),
        ["json.invalid"] = ("Not valid JSON: {detail}", "不是有效的 JSON：{detail}"),
        ["json.duplicate-key"] = ("Key \"{key}\" appears twice in one object.", "同一对象中键 \"{key}\" 出现两次。"),
        ["json.non-integer-number"] = ("Number {value} is not an integer; canonical JSON here allows integers only (write amounts as strings).", "数字 {value} 不是整数；此处规范 JSON 只允许整数（金额请写成字符串）。"),
        ["json.lone-surrogate"] = ("A string contains an unpaired UTF-16 surrogate and has no UTF-8 form.", "字符串含有不成对的 UTF-16 代理项，无法编码为 UTF-8。"),
        ["json.not-canonical"] = ("The entry bytes are not in canonical form (sorted keys, no whitespace, UTF-8).", "条目字节不是规范形式（键排序、无空白、UTF-8）。"),
        ["json.too-deep"] = ("JSON nesting deeper than {max} levels.", "JSON 嵌套超过 {max} 层。"),
        ["entry.missing-field"] = ("Log entry lacks the required field \"{field}\".", "日志条目缺少必需字段 \"{field}\"。"),
        ["entry.bad-field"] = ("Log entry field \"{field}\" is invalid: {reason}", "日志条目字段 \"{field}\" 无效：{reason}"),
        ["pseudonym.key-too-short"] = ("The pseudonym key must be at least {min} bytes.", "假名密钥至少需要 {min} 字节。"),
        ["checkpoint.malformed"] = ("The checkpoint is malformed: {reason}", "检查点格式错误：{reason}"),
        ["checkpoint.origin-mismatch"] = ("The checkpoint is for log \"{actual}\", expected \"{expected}\".", "检查点属于日志 \"{actual}\"，应为 \"{expected}\"。"),
        ["checkpoint.no-trusted-signature"] = ("The checkpoint carries no signature by key \"{key}\".", "检查点没有密钥 \"{key}\" 的签名。"),
        ["checkpoint.bad-signature"] = ("The signature by \"{key}\" on the checkpoint does not verify: the checkpoint is forged or altered.", "检查点上 \"{key}\" 的签名验证失败：检查点被伪造或篡改。"),
        ["witness.older"] = ("The witness last cosigned size {lastSize}; it will not cosign the smaller size {size}.", "见证方上次联署的大小为 {lastSize}，不会联署更小的大小 {size}。"),
        ["witness.inconsistent"] = ("The checkpoint of size {size} is not consistent with the last cosigned one (size {lastSize}): {reason}", "大小为 {size} 的检查点与上次联署的检查点（大小 {lastSize}）不一致：{reason}"),
        ["verify.index-mismatch"] = ("Row {position} of the downloaded log carries index {index}: a row is missing, duplicated or moved.", "下载日志第 {position} 行的序号为 {index}：有行缺失、重复或被移动。"),
        ["verify.leaf-hash-mismatch"] = ("Entry {index} does not hash to its recorded leaf hash: the entry was changed.", "条目 {index} 的哈希与记录的叶哈希不符：条目已被修改。"),
        ["verify.root-mismatch"] = ("The entries do not give the signed root of checkpoint {checkpoint} (size {size}); the first bad entry is at or after index {from}.", "条目计算出的树根与检查点 {checkpoint}（大小 {size}）的签名树根不符；第一个错误条目的序号不小于 {from}。"),
        ["verify.checkpoint-beyond-log"] = ("Checkpoint {checkpoint} claims size {size} but only {entries} entries were downloaded.", "检查点 {checkpoint} 声称大小为 {size}，但只下载了 {entries} 条。"),
        ["verify.checkpoint-order"] = ("Checkpoint {checkpoint} (size {size}, time {time}) is older than a smaller checkpoint: times must not go back.", "检查点 {checkpoint}（大小 {size}，时间 {time}）早于更小的检查点：时间不得倒退。"),
        ["verify.checkpoint-invalid"] = ("Checkpoint {checkpoint} is invalid: {reason}", "检查点 {checkpoint} 无效：{reason}"),
        ["verify.entry-invalid"] = ("Entry {index} is invalid: {reason}", "条目 {index} 无效：{reason}"),
        ["sealed.bad-nonce"] = ("A sealed act's nonce must be 32 bytes, got {length}.", "密封条目的随机数必须为 32 字节，实际为 {length} 字节。"),
        ["sealed.act-malformed"] = ("Sealed entry {index} must carry only a commitment (64 lower-case hex digits) and no tender.", "密封条目 {index} 只能包含承诺值（64 位小写十六进制），且不得注明招标项目。"),
        ["sealed.reveal-malformed"] = ("Reveal entry {index} is malformed (tender, count and the list of openings are required).", "揭示条目 {index} 格式错误（须有招标项目、数量和开启列表）。"),
        ["sealed.not-sealed"] = ("Reveal entry {index} opens entry {act}, which is not an earlier sealed entry or was opened before.", "揭示条目 {index} 开启的条目 {act} 不是更早的密封条目，或已被开启过。"),
        ["sealed.commitment-mismatch"] = ("Reveal entry {index}: the opening of sealed entry {act} does not give its commitment; the sealed entry or the opening was changed.", "揭示条目 {index}：密封条目 {act} 的开启值与其承诺值不符；密封条目或开启值已被更改。"),
        ["sealed.inner-invalid"] = ("Reveal entry {index}: the opened entry {act} is not an entry of the revealed tender: {reason}", "揭示条目 {index}：开启的条目 {act} 不是该招标项目的条目：{reason}"),
        ["verify.no-checkpoint"] = ("No signed checkpoint covers the log, so nothing is proven.", "没有签名检查点覆盖该日志，因此无法证明任何内容。"),
        ["tsa.malformed"] = ("The time-stamp token or response is malformed: {reason}", "时间戳令牌或响应格式错误：{reason}"),
        ["tsa.rejected"] = ("The time-stamp authority refused the request: {reason}", "时间戳服务拒绝了请求：{reason}"),
        ["tsa.imprint-mismatch"] = ("The time-stamp token is over different data.", "时间戳令牌所盖的数据不同。"),
        ["tsa.bad-signature"] = ("The time-stamp token's signature or certificate does not verify: {reason}", "时间戳令牌的签名或证书验证失败：{reason}"),
        ["tsa.nonce-mismatch"] = ("The time-stamp response does not answer this request (nonce differs).", "时间戳响应与本次请求不对应（随机数不同）。"),
        ["cert.untrusted"] = ("Certificate \"{subject}\" does not chain to the centre's root: {reason}", "证书 \"{subject}\" 无法链接到交易中心根证书：{reason}"),
        ["cert.wrong-usage"] = ("Certificate \"{subject}\" is not allowed for {usage}.", "证书 \"{subject}\" 不允许用于 {usage}。"),
        ["key.invalid"] = ("The key is not a valid {kind}: {reason}", "密钥不是有效的 {kind}：{reason}"),
        ["receipt.malformed"] = ("The receipt is malformed: {reason}", "回执格式错误：{reason}"),
        ["receipt.signer-missing"] = ("The receipt names no firm certificate: the bid was signed with a key made for it, not under a certificate.", "回执未载明投标单位证书：该投标文件以一次性密钥签名，而非以数字证书签名。"),
        ["receipt.signer-untrusted"] = ("The firm certificate {serial} the receipt names does not chain to the CA certificates given at the receipt's time.", "回执载明的投标单位证书 {serial} 在回执时间不能链接到所给的 CA 证书。"),
        ["receipt.field-mismatch"] = ("The receipt's {field} does not match the logged entry.", "回执中的 {field} 与日志条目不符。"),
        // Archive packages (docs/archive-format.md); {file} is the member blamed.
        ["archive.manifest-malformed"] = ("{file}: the manifest is malformed: {reason}", "{file}：清单格式错误：{reason}"),
        ["archive.manifest-not-stamped"] = ("{file}: the centre's time-stamp does not cover this manifest: the manifest was changed.", "{file}：交易中心的时间戳不覆盖此清单：清单已被更改。"),
        ["archive.missing-member"] = ("{file}: the file is missing from the archive.", "{file}：档案中缺少该文件。"),
        ["archive.header-altered"] = ("{file}: the file's tar header was changed (name, size, time or another field).", "{file}：该文件的 tar 头被更改（名称、大小、时间或其他字段）。"),
        ["archive.padding-altered"] = ("{file}: the zero padding after the file was changed.", "{file}：文件后的零填充被更改。"),
        ["archive.file-mismatch"] = ("{file}: the file's SHA-256 differs from the manifest: the file was changed.", "{file}：文件的 SHA-256 与清单不符：文件已被更改。"),
        ["archive.too-large"] = ("{file}: larger than the {max} bytes this member may have.", "{file}：超过该成员允许的 {max} 字节。"),
        ["archive.truncated"] = ("{file}: the archive ends inside this file: it was cut short.", "{file}：档案在此文件中途结束：已被截断。"),
        ["archive.extra-member"] = ("{file}: data after the last file of the manifest.", "{file}：清单最后一个文件之后还有数据。"),
        ["archive.trailing-data"] = ("{file}: data after the end of the archive.", "{file}：档案结束标记之后还有数据。"),
        ["archive.checkpoint-size"] = ("{file}: the checkpoint has size {size}, the manifest says {expected}.", "{file}：检查点大小为 {size}，清单写的是 {expected}。"),
        ["archive.log-entry"] = ("{file}: log entry {index}: {reason}", "{file}：日志条目 {index}：{reason}"),
        ["archive.entry-count"] = ("{file}: {count} entries, the manifest says {expected}.", "{file}：共 {count} 条，清单写的是 {expected} 条。"),
        ["archive.sealed-unopened"] = ("{file}: {count} sealed entries are not opened by a reveal of this tender.", "{file}：有 {count} 条密封条目未被本项目的揭示条目开启。"),
        ["archive.file-not-logged"] = ("{file}: log entry {index} does not state this file's SHA-256.", "{file}：日志条目 {index} 未记载该文件的 SHA-256。"),
        ["archive.index-unchecked"] = ("{file}: the signed archive index is checked against the centre's CA certificate (the seal's issuer): give it with --seal-ca.", "{file}：签章档案目录须以交易中心 CA 证书（签章的签发者）核验：请用 --seal-ca 提供。"),
        ["archive.index-malformed"] = ("record/index.pdf: the archive index's list is malformed: {reason}", "record/index.pdf：档案目录所附清单格式错误：{reason}"),
        ["archive.index-differs"] = ("{file}: the signed archive index states another {field} than the package.", "{file}：签章档案目录所载的 {field} 与档案包不符。"),
        ["archive.index-unlisted"] = ("{file}: the signed archive index does not list this file.", "{file}：签章档案目录未列出该文件。"),
        ["archive.index-extra"] = ("{file}: the signed archive index lists this file, which is not in the package.", "{file}：签章档案目录列出了该文件，但档案包中没有。"),
        ["pdf.unsigned"] = ("The file has no signature covering the whole document.", "文件没有覆盖整个文档的签名。"),
        ["pdf.altered"] = ("The signature does not match the document: it was changed after signing.", "签名与文档不符：文档在签名后被改动。"),
        ["pdf.no-time-stamp"] = ("The signature has no time-stamp.", "签名没有时间戳。"),
        ["pdf.untrusted"] = ("The signing certificate does not chain to the CA certificate given.", "签名证书不能链接到所给的 CA 证书。"),
        ["pdf.no-attachment"] = ("The PDF has no attachment {name}.", "PDF 没有附件 {name}。"),
        ["member.no-content"] = ("The evaluation report has member signatures but no attached report content (report-content.json).", "评标报告附有成员签名，但没有附上报告内容（report-content.json）。"),
        ["member.no-signatures"] = ("The evaluation report has no attached member signatures (member-signatures.json).", "评标报告没有附上成员签名（member-signatures.json）。"),
        ["member.malformed"] = ("The attached report content or member signatures cannot be read.", "所附报告内容或成员签名无法读取。"),
        ["member.missing"] = ("This seat has no member signature.", "该席位没有成员签名。"),
        ["member.unknown-seat"] = ("A member signature names a seat the report content does not have.", "成员签名所署席位不在报告内容中。"),
        ["member.statement-malformed"] = ("The member's signed statement is not a canonical signing statement.", "成员签署的声明不是规范的签署声明。"),
        ["member.certificate-malformed"] = ("The member's certificate cannot be read.", "成员证书无法读取。"),
        ["member.signature-invalid"] = ("The member's signature does not verify against the statement with the certificate's key: the signature or the statement was changed.", "用证书公钥核验，成员签名与声明不符：签名或声明已被改动。"),
        ["member.content-mismatch"] = ("The member's statement names another report content hash than the attached report content's.", "成员声明所载的报告内容哈希与所附报告内容不符。"),
        ["member.seat-mismatch"] = ("The member's statement names another seat than the report's.", "成员声明所载席位与报告不符。"),
        ["member.certificate-subject"] = ("The member's certificate is not for this seat and session.", "成员证书不是为该席位和评标会话签发的。"),
        ["member.untrusted"] = ("The member's certificate does not chain to the CA certificate given.", "成员证书不能链接到所给的 CA 证书。"),
        ["receipt.version"] = ("Receipt format version {version} is not supported.", "不支持回执格式版本 {version}。"),
    };

    /// <summary>All known codes, for the web app's resource files and for tests.</summary>
    public static IReadOnlyCollection<string> Codes => Templates.Keys;

    /// <summary>Fills the template of <paramref name="code"/> in <paramref name="language"/> ("en" or "zh-CN").</summary>
    public static string Format(string code, IReadOnlyDictionary<string, object?> arguments, string language)
    {
        if (!Templates.TryGetValue(code, out var t))
        {
            return code + " " + string.Join(", ", arguments.Select(a => $"{a.Key}={a.Value}"));
        }
        var template = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? t.Zh : t.En;
        var sb = new StringBuilder(template);
        foreach (var (key, value) in arguments)
        {
            sb.Replace("{" + key + "}", Convert.ToString(value, CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
