using System.Collections.Frozen;
using System.Globalization;

namespace Trading.Integrity;

/// <summary>
/// The library's resource table: every message key in English and Simplified Chinese.
/// Kept in code (not .resx) so the pure library carries both languages with no satellite assemblies.
/// </summary>
public static class Messages
{
    internal const int English = 0;
    internal const int Chinese = 1;

    /// <summary>All keys with their English and Chinese templates ({0}, {1}... are the arguments).</summary>
    public static FrozenDictionary<string, (string En, string ZhCn)> Table { get; } = new Dictionary<string, (string, string)>
    {
        ["l1.conclusive"] = ("Bids of {0} were sealed on the same machine: the components the tender documents name ({1}) are equal.",
                             "{0} 的投标文件由同一台电脑制作：招标文件规定的机器码部件（{1}）完全相同。"),
        ["l1.lead"] = ("Bids of {0} share machine component(s) {1}, but not all the components the tender documents name.",
                       "{0} 的投标文件机器码部分相同（{1}），但并非招标文件规定的全部部件相同。"),
        ["l1b.ip"] = ("Bids of {0} were uploaded from the same address {1}.",
                      "{0} 的投标文件从同一 IP 地址 {1} 上传。"),
        ["l1b.subnet"] = ("Bids of {0} were uploaded from the same network {1} within {2} minutes of each other.",
                          "{0} 的投标文件在 {2} 分钟内从同一网段 {1} 上传。"),
        ["l2"] = ("The same agent handled bids of {0}: equal {1} ({2}).",
                  "{0} 的投标由同一人办理：{1}相同（{2}）。"),
        ["l2.contact"] = ("Bids of {0} share a {1} ({2}); a phone or e-mail is not a person, and {3} registered firm(s) give it, so this is a lead to check.",
                          "{0} 的投标共用同一{1}（{2}）；电话或邮箱不等于同一人，登记信息中共有 {3} 家企业使用该联系方式，仅作为线索核查。"),
        ["l3"] = ("The same person (ID {1}) is named as {2} in bids of {0}.",
                  "同一人（身份证号 {1}）在 {0} 的投标文件中均被列为{2}。"),
        ["l4a.hash.conclusive"] = ("Bids of {0} contain an identical attachment (SHA-256 {1}) that is not a tender template.",
                                   "{0} 的投标文件含有完全相同的附件（SHA-256 {1}），且该附件不是招标文件提供的格式文件。"),
        ["l4a.hash.lead"] = ("An identical attachment (SHA-256 {1}) appears in bids of {0}; {2} bidders share it, so it may be an undeclared template.",
                             "{0} 的投标文件含有完全相同的附件（SHA-256 {1}）；共有 {2} 家投标人使用，可能是未声明的格式文件。"),
        ["l4a.hash.notspecific"] = ("Bids of {0} contain an identical file {2} (SHA-256 {1}) that does not name this lot: it may be a common document (a template, a maker's brochure), so it is a lead only.",
                                    "{0} 的投标文件含有完全相同的文件 {2}（SHA-256 {1}），但该文件未提及本项目：可能是通用文件（模板、厂家资料），仅作为线索。"),
        ["l4a.hash.seen"] = ("Bids of {0} contain an identical attachment (SHA-256 {1}) that already appeared in {2} earlier lot(s), so it is not specific to this bid: a lead only.",
                             "{0} 的投标文件含有完全相同的附件（SHA-256 {1}），该附件已在此前 {2} 个标段出现，并非专为本次投标编制，仅作为线索。"),
        ["l4a.passages"] = ("Bids of {0} share {1} rare passage(s), {2} words in all, that no other bidder of the lot or of past lots uses.",
                            "{0} 的投标文件有 {1} 段罕见的相同内容（共 {2} 个词），本标段其他投标人及历史投标均未使用。"),
        ["l4a.minhash"] = ("Documents of {0} are near-duplicates: {1} of their text shingles are shared (exact Jaccard).",
                           "{0} 的投标文件高度雷同：文本片段的精确杰卡德相似度为 {1}。"),
        ["l4a.author"] = ("Attachments of {0} carry the same document {1} \"{2}\".",
                          "{0} 的附件文档属性中{1}相同（“{2}”）。"),
        ["l4b.steps"] = ("The bid prices of {0} form a regular pattern: sorted adjacent {1} differ by only {2}%.",
                         "{0} 的报价呈规律性：排序后相邻报价的{1}仅相差 {2}%。"),
        ["l4b.linear"] = ("The price lists of {0} are in a near-exact linear relation (R² = {1} on log prices over {2} items).",
                          "{0} 的分项报价呈近乎精确的线性关系（{2} 个分项，对数价格 R² = {1}）。"),
        ["l5"] = ("The documents of {1} stand in the name of another bidder, {2} (as the bidder, signer or seal).",
                  "{1} 的投标文件以另一投标人 {2} 的名义出现（作为投标人、签署人或盖章单位）。"),
        ["l5.past"] = ("The documents of {1} name another bidder, {2}, as a past employer, client or partner; honest reference lists do this, so it is a lead to read in context.",
                       "{1} 的投标文件将另一投标人 {2} 列为过往项目的发包人、客户或合作方；正常业绩材料也会如此，仅作为线索结合上下文判断。"),
        ["l5.named"] = ("The documents of {1} name another bidder, {2}, in a context that does not say in what role: a lead to read in context.",
                        "{1} 的投标文件中出现了另一投标人 {2} 的名称，但上下文未表明其身份，仅作为线索结合上下文判断。"),
        ["l6.same"] = ("Bonds of {0} were paid from the same account {1}.",
                       "{0} 的投标保证金从同一账户 {1} 缴纳。"),
        ["l6.notown"] = ("The bond of {0} was paid from account {1}, not from its basic account.",
                         "{0} 的投标保证金从账户 {1} 缴纳，而非其基本账户。"),
        ["l7.legalrep"] = ("{0} have the same legal representative (ID {1}).",
                           "{0} 的法定代表人为同一人（身份证号 {1}）。"),
        ["l7.control"] = ("{1} holds {2}% of {3}: a control relationship between bidders.",
                          "{1} 持有 {3} {2}% 的股份：投标人之间存在控股关系。"),
        ["l7.manager"] = ("The legal representative of {1} is a director or manager of {2}: a management relationship between bidders.",
                          "{1} 的法定代表人担任 {2} 的董事或高管：投标人之间存在管理关系。"),
        ["l7.commonparent"] = ("{1} controls each of {0} (at least {2}%).",
                               "{1} 同时控股 {0}（持股均不低于 {2}%）。"),
        ["ps.lead"] = ("The prices of this lot are unusual among comparable lots: {1}.",
                       "本标段报价分布在同类标段中异常：{1}。"),
        ["ps.identical"] = ("Bidders {0} bid the identical price {1}.",
                            "{0} 的投标报价完全相同（{1}）。"),
        ["h1"] = ("Firms {0} bid together in {1} lots and took turns winning: {2} different members won {3} of those lots.",
                  "{0} 共同参与了 {1} 个标段并轮流中标：其中 {2} 家成员共中标 {3} 个。"),
        ["h2"] = ("{0} bid {1} times and won {2} (about {3} expected by chance); {4} bid alongside it in {5} of those lots.",
                  "{0} 投标 {1} 次仅中标 {2} 次（随机预期约 {3} 次）；其中 {5} 次 {4} 也参与了投标。"),
        ["h3"] = ("Firms {0} bid together far more often than chance: {1}.",
                  "{0} 共同投标的次数远超随机水平：{1}。"),
        ["h6"] = ("When two or more of {0} bid in the same lot, their prices stand {1}% higher against the estimate (given distance, backlog and the lot's other bidders) than when they bid without each other ({2} bids together, {3} apart, t = {4}).",
                  "{0} 中两家及以上同时投标时，其报价相对估算价（已考虑距离、在手项目和同标段其他投标人）比各自单独投标时高 {1}%（共同投标 {2} 次、单独投标 {3} 次，t = {4}）。"),
        ["h7"] = ("{0} each bid regularly in {1} ({2} lots) but met in only {3} lots where {4} were expected from how often each bids; each wins where the others stay away (wins: {5}). A split market (by buyer or by turn) or bid suppression looks like this.",
                  "{0} 均经常参与 {1} 的投标（共 {2} 个标段），但仅在 {3} 个标段相遇，按各自投标频率预期约 {4} 个；各自在对方不参与的标段中标（中标：{5}）。划分市场（按招标人或轮流）或压制投标会呈现这种情形。"),
        ["h6.cohesive"] = ("{0} placed {1} of their {2} bids in each other's company, and in those lots their prices stand {3}% higher against the estimate (given distance, backlog and what the lot's bidders share) than when each bid without the others (t = {4}; still t = {5} without any one member's own bids). Firms that agree a mark-up when they meet bid together; competitors' prices do not depend on whose company they are in.",
                           "{0} 的 {2} 次投标中有 {1} 次与其他成员同场；同场时其报价相对估算价比各自单独投标时高 {3}%（已考虑距离、在手项目和同一标段投标人的共同因素，t = {4}；去掉任一成员自己的报价后仍为 t = {5}）。约定“同场即加价”的企业总是同场投标；竞争者的报价不会因与谁同场而改变。"),
        ["h8"] = ("In {1} lots where three of {0} bid together, their prices (after each firm's usual level, distance and backlog) show one bid well below two close ones: on average the gap sits at percentile {2} and the spread at percentile {3} of random groups of three bidders (z = {4}), as a designated winner with covers would.",
                  "{0} 中三家共同投标的 {1} 个标段里，其报价（已扣除各企业通常报价水平、距离和在手项目）呈现一家明显偏低、另两家彼此接近的形态：平均差距位于随机三家投标人组合的第 {2} 百分位，离散程度位于第 {3} 百分位（z = {4}），与“指定中标人加陪标”的形态一致。"),
        ["h8.dependence"] = ("The prices of {0} move together from lot to lot beyond what costs and the lot explain: {1} and {2} met in {3} lots, partial correlation r = {4} (z = {5}). Competing firms' bids are independent given their costs (Bajari and Ye); a cover priced off the winner's bid is not.",
                             "{0} 的报价在各标段间同向变动，超出成本和标段因素所能解释的程度：{1} 与 {2} 共同投标 {3} 次，偏相关系数 r = {4}（z = {5}）。在控制成本后，相互竞争企业的报价应相互独立（Bajari 与 Ye）；参照中标人报价编制的陪标报价则不然。"),
        ["h8.group"] = ("The prices of {0} move together within the lots where two or more of them meet ({1} lots), beyond what costs and the other bidders explain: intraclass correlation {2} (z = {3}; chosen on half of the lots and confirmed on the other half, z = {4}). Independent competitors' prices do not share a lot's ups and downs; covers priced off a designated winner's bid do.",
                        "{0} 中两家及以上共同投标的 {1} 个标段里，其报价同向变动，超出成本和其他投标人所能解释的程度：组内相关系数 {2}（z = {3}；在一半标段中选出、在另一半标段中确认，z = {4}）。相互独立竞争的报价不会在同一标段同涨同跌；参照指定中标人报价编制的陪标报价则会。"),
        ["h4.withdraw"] = ("{1} withdrew after the deadline or after opening in {2} lots that {3} then won.",
                           "{1} 在 {2} 个标段中于截止或开标后撤回投标，这些标段均由 {3} 中标。"),
        ["h4.subcontract"] = ("Winner {1} subcontracted to {2}, which had bid against it in lot {3}.",
                              "中标人 {1} 将工程分包给在标段 {3} 中与其竞争的投标人 {2}。"),
        ["h5"] = ("The second-lowest bid is only {1}% above the lowest bid, closer than in {2}% of comparable lots.",
                  "次低报价仅比最低报价高 {1}%，比 {2}% 的同类标段更接近。"),

        ["nodata.bids"] = ("Not enough data: {0} bids; this screen needs at least {1}.",
                           "数据不足：仅 {0} 份投标，本项筛查至少需要 {1} 份。"),
        ["nodata.history"] = ("Not enough data: {0} comparable past lots; at least {1} needed.",
                              "数据不足：同类历史标段 {0} 个，至少需要 {1} 个。"),
        ["nodata.reference"] = ("Not enough data: {0} past lots carry an estimate or control price; at least {1} needed.",
                                "数据不足：有估算价或招标控制价的历史标段 {0} 个，至少需要 {1} 个。"),
        ["nodata.attachments"] = ("Not enough data: fewer than two bids have readable attachments.",
                                  "数据不足：可读取附件的投标少于两份。"),
        ["nodata.field"] = ("Not enough data: fewer than two bids carry {0}.",
                            "数据不足：提供{0}的投标少于两份。"),
        ["nodata.registry"] = ("Not enough data: no registration data for the bidders.",
                               "数据不足：缺少投标人的登记信息。"),
        ["note.attachment.malformed"] = ("Attachment skipped: it looks like {0} but cannot be read ({1}).",
                                         "附件已跳过：格式为{0}，但无法读取（{1}）。"),
        ["note.attachment.archive"] = ("Archive inside the bid not opened: only one level of archive is read; its hash is still compared.",
                                       "投标文件中的压缩包未展开：只读取一层压缩包；仍比对其哈希值。"),
        ["note.attachment.limit.entrytoolarge"] = ("Attachment skipped: its text part inflates past the limit ({0} bytes read); its hash is still compared.",
                                                   "附件未参与文本比对：其正文解压后超过上限（已读 {0} 字节）；仍比对其哈希值。"),
        ["note.attachment.limit.totaltoolarge"] = ("Attachment skipped: it inflates past the limit for one file ({0} bytes read); its hash is still compared.",
                                                   "附件未参与文本比对：解压后超过单个文件的上限（已读 {0} 字节）；仍比对其哈希值。"),
        ["note.attachment.limit.compressionratio"] = ("Attachment skipped: it inflates far more than documents do (a decompression bomb; {0} bytes read); its hash is still compared.",
                                                      "附件未参与文本比对：解压比例远超正常文档（疑似压缩炸弹，已读 {0} 字节）；仍比对其哈希值。"),
        ["note.attachment.limit.toomanyentries"] = ("Attachment skipped: too many files inside ({0}); its hash is still compared.",
                                                    "附件未参与文本比对：内含文件过多（{0} 个）；仍比对其哈希值。"),
        ["note.attachment.limit.unreadable"] = ("Attachment skipped: a part inside cannot be read ({0} bytes); its hash is still compared.",
                                                "附件未参与文本比对：内部部件无法读取（{0} 字节）；仍比对其哈希值。"),
        ["note.attachment.unknown"] = ("Attachment skipped for text comparison: format not readable; its hash is still compared.",
                                       "附件未参与文本比对：格式无法读取；仍比对其哈希值。"),

        ["field.machine"] = ("a machine fingerprint", "机器码"),
        ["field.upload"] = ("an upload address", "上传地址"),
        ["field.agent"] = ("agent or contact data", "委托人或联系方式"),
        ["field.person"] = ("a project manager or key person", "项目经理或主要人员"),
        ["field.bond"] = ("a bond payment", "保证金缴纳记录"),
        ["field.pricelist"] = ("a priced item list", "分项报价"),
        ["c.mac"] = ("MAC address", "网卡 MAC 地址"),
        ["c.disk"] = ("disk serial", "硬盘序列号"),
        ["c.cpu"] = ("CPU serial", "CPU 序列号"),
        ["c.dongle"] = ("dongle serial", "加密锁序列号"),
        ["a.idnumber"] = ("authorised representative", "授权委托人"),
        ["a.phone"] = ("phone", "联系电话"),
        ["a.email"] = ("e-mail", "电子邮箱"),
        ["a.account"] = ("platform account", "平台账号"),
        ["a.cert"] = ("certificate holder", "数字证书持有人"),
        ["r.phone"] = ("registered phone", "登记联系电话"),
        ["r.email"] = ("registered e-mail", "登记电子邮箱"),
        ["p.pm"] = ("project manager", "项目经理"),
        ["p.key"] = ("key person", "主要人员"),
        ["m.author"] = ("author", "作者"),
        ["m.lastmodifiedby"] = ("last editor", "最后修改者"),
        ["m.creator"] = ("creating application", "创建程序"),
        ["s.differences"] = ("differences", "差额"),
        ["s.ratios"] = ("ratios", "比值"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Renders a key in the given language; an unknown key renders as the key and its arguments.</summary>
    internal static string Render(string key, IReadOnlyList<string> args, int language)
    {
        if (!Table.TryGetValue(key, out var templates))
        {
            return key + "(" + string.Join(", ", args) + ")";
        }
        var template = language == Chinese ? templates.ZhCn : templates.En;
        // An argument "@key" is itself a message (a field or component name), rendered in the same language.
        var rendered = args.Select(a => a.Length > 1 && a[0] == '@'
            ? string.Join(language == Chinese ? "、" : ", ", a.Split(", ").Select(part =>
                part.Length > 1 && part[0] == '@' && Table.ContainsKey(part[1..]) ? Render(part[1..], [], language) : part))
            : a).Cast<object>().ToArray();
        return string.Format(CultureInfo.InvariantCulture, template, rendered);
    }
}
