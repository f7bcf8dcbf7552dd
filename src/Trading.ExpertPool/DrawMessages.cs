using System.Text;

namespace Trading.ExpertPool;

/// <summary>
/// English and Simplified Chinese texts for every <see cref="ReasonCodes"/> code. Templates name
/// their arguments in braces; an unknown code falls back to the code and its arguments so
/// nothing is ever lost.
/// </summary>
public static class DrawMessages
{
    private static readonly Dictionary<string, (string En, string Zh)> Templates = new(StringComparer.Ordinal)
    {
        [ReasonCodes.StatusSuspended] = ("The expert is suspended.", "该专家已被暂停。"),
        [ReasonCodes.StatusRetired] = ("The expert is retired.", "该专家已退休。"),
        [ReasonCodes.RetirementAge] = ("The expert is {age} on the evaluation day, at or above the retirement age {retirementAge}.", "评标日该专家年满{age}岁，达到退休年龄{retirementAge}岁。"),
        [ReasonCodes.TitleTooLow] = ("Title {title} is below the required {minTitle}.", "职称{title}低于要求的{minTitle}。"),
        [ReasonCodes.ExperienceTooShort] = ("{years} years of practice, fewer than the required {minYears}.", "从业{years}年，少于要求的{minYears}年。"),
        [ReasonCodes.Unavailable] = ("Declared unavailable from {from} to {to}.", "已申报{from}至{to}不可参加。"),
        [ReasonCodes.SpecialtyNotRequested] = ("No specialty matches any requested stratum.", "专业与所有抽取类别均不符。"),
        [ReasonCodes.RegionRuleNotMet] = ("Qualified in strata {strata} but the region {region} does not meet their region rules.", "专业符合类别{strata}，但所在地区{region}不符合其地区规则。"),
        [ReasonCodes.CurrentEmployer] = ("Employed by {party}, the {role} of this lot.", "受雇于本标段的{role}{party}。"),
        [ReasonCodes.FormerEmployer] = ("Employed by {party}, the {role} of this lot, until {until} (within {windowYears} years).", "曾受雇于本标段的{role}{party}，至{until}止（{windowYears}年内）。"),
        [ReasonCodes.DeclaredRelationship] = ("Declared a {kind} relationship with {party}, the {role} of this lot.", "申报了与本标段{role}{party}的{kind}关系。"),
        [ReasonCodes.RegistryLink] = ("Registry shows a {kind} link with {party}, the {role} of this lot.", "登记信息显示与本标段{role}{party}存在{kind}关联。"),
        [ReasonCodes.OwnerTooRecent] = ("Served owner {owner} on {lastDrawn}, within {cooldownDays} days.", "已于{lastDrawn}为招标人{owner}评标，在{cooldownDays}天内。"),

        [ReasonCodes.RequestMissingField] = ("The request lacks {field}.", "抽取申请缺少{field}。"),
        [ReasonCodes.CommitteeTooSmall] = ("A committee of {size} is smaller than the minimum {min}.", "评标委员会{size}人，少于最低{min}人。"),
        [ReasonCodes.CommitteeEven] = ("A committee of {size} is even; it must be odd.", "评标委员会{size}人为偶数，必须为单数。"),
        [ReasonCodes.SeatsMismatch] = ("Drawn seats {drawn} plus owner seats {owner} do not make the committee size {size}.", "抽取席位{drawn}加招标人代表{owner}不等于委员会人数{size}。"),
        [ReasonCodes.ExpertShareTooLow] = ("Technical and economic experts {experts} of {size} are fewer than two thirds.", "技术、经济专家{experts}人（共{size}人）少于三分之二。"),
        [ReasonCodes.StratumInvalid] = ("Stratum {stratum} is invalid: {problem}.", "抽取类别{stratum}无效：{problem}。"),
        [ReasonCodes.StratumDuplicate] = ("Stratum id {stratum} appears twice.", "抽取类别编号{stratum}重复。"),
        [ReasonCodes.RulesInvalid] = ("Rule {rule} has an invalid value {value}.", "规则{rule}的取值{value}无效。"),
        [ReasonCodes.DeclineReasonsInvalid] = ("The declared decline reasons are invalid: {problem}.", "预设的拒绝理由无效：{problem}。"),
        [ReasonCodes.Infeasible] = ("The request cannot be met: {detail}.", "抽取条件无法满足：{detail}。"),
        [ReasonCodes.SecondDraw] = ("Lot {lot} of tender {tender} already has draw {existing}; a supervisor must void it first.", "招标项目{tender}标段{lot}已有抽取{existing}，须由监督人员先作废。"),
        [ReasonCodes.WrongPhase] = ("Step {step} is not allowed in phase {phase}.", "当前阶段{phase}不允许执行{step}。"),
        [ReasonCodes.UnknownOffice] = ("Office {office} is not one of supervision, centre, owner.", "{office}不是监督、交易中心或招标人。"),
        [ReasonCodes.DuplicateCommitment] = ("Office {office} has already committed.", "{office}已提交承诺值。"),
        [ReasonCodes.CommitmentMalformed] = ("The commitment of {office} is not a 64-digit hex SHA-256 value.", "{office}的承诺值不是64位十六进制SHA-256值。"),
        [ReasonCodes.NoCommitments] = ("No office has committed, so there is no randomness to draw with.", "尚无任何一方提交承诺值，无法产生随机数。"),
        [ReasonCodes.NotCommitted] = ("Office {office} did not commit, so it cannot reveal.", "{office}未提交承诺值，不能公开随机值。"),
        [ReasonCodes.DuplicateReveal] = ("Office {office} has already revealed.", "{office}已公开随机值。"),
        [ReasonCodes.RevealTooShort] = ("The value of {office} has {bytes} bytes; at least {min} are needed so the commitment cannot be guessed.", "{office}的随机值只有{bytes}字节，至少需要{min}字节，以免承诺值被猜出。"),
        [ReasonCodes.RevealMismatch] = ("The value revealed by {office} does not match its commitment.", "{office}公开的随机值与其承诺值不符。"),
        [ReasonCodes.NoEntropy] = ("No office revealed and no beacon was given, so the seed would be predictable.", "没有任何一方公开随机值，也没有信标值，种子可被预测。"),
        [ReasonCodes.BeaconRequired] = ("The request named beacon round {round}; its value is needed before the draw.", "申请指定了信标轮次{round}，抽取前须录入其值。"),
        [ReasonCodes.BeaconRoundMismatch] = ("Beacon round {given} is not the round {expected} named in the request.", "信标轮次{given}不是申请中指定的{expected}。"),
        [ReasonCodes.BeaconMalformed] = ("The beacon value is not hex of at least {min} bytes.", "信标值不是至少{min}字节的十六进制数。"),
        [ReasonCodes.NotServing] = ("Expert {pseudonym} is not serving on this committee.", "专家{pseudonym}不在本委员会中。"),
        [ReasonCodes.DeclineReasonUndeclared] = ("Decline reason {reason} was not declared before the draw.", "拒绝理由{reason}不在抽取前预设的范围内。"),
        [ReasonCodes.VoidReasonMissing] = ("Voiding a draw needs a supervisor and a reason.", "作废抽取须有监督人员及理由。"),
        [ReasonCodes.StaffOnlyField] = ("Only centre staff may change {field}.", "{field}只能由交易中心工作人员修改。"),
        [ReasonCodes.PseudonymKeyTooShort] = ("The pseudonym key has {bytes} bytes; at least {min} are needed.", "化名密钥只有{bytes}字节，至少需要{min}字节。"),

        [ReasonCodes.EventListCommitted] = ("Eligible list of {count} experts committed: list hash {listHash}, request hash {requestHash}.", "已固定{count}名合格专家名单：名单哈希{listHash}，申请哈希{requestHash}。"),
        [ReasonCodes.EventCommitment] = ("{office} committed {commitment}.", "{office}提交承诺值{commitment}。"),
        [ReasonCodes.EventCommitmentsClosed] = ("Commitments closed with {offices}.", "承诺阶段结束，参与方：{offices}。"),
        [ReasonCodes.EventReveal] = ("{office} revealed its value; it matches the commitment.", "{office}公开随机值，与承诺值相符。"),
        [ReasonCodes.EventBeacon] = ("Beacon round {round} value {value} from {source}.", "信标轮次{round}取值{value}，来源{source}。"),
        [ReasonCodes.EventRevealMissing] = ("{office} did not reveal; its value is dropped.", "{office}未公开随机值，已舍弃。"),
        [ReasonCodes.EventDrawn] = ("Seed {seed}; {selected} experts selected.", "种子{seed}；选出{selected}名专家。"),
        [ReasonCodes.EventReplaced] = ("Expert {out} of stratum {stratum} replaced by {in} ({reason}{declineReason}).", "类别{stratum}的专家{out}由{in}替补（{reason}{declineReason}）。"),
        [ReasonCodes.EventReserveExhausted] = ("Expert {out} of stratum {stratum} left ({reason}) and the reserve list is exhausted.", "类别{stratum}的专家{out}退出（{reason}），候补名单已用完。"),
        [ReasonCodes.EventVoided] = ("Draw voided by {supervisor}: {reason}.", "抽取由{supervisor}作废：{reason}。"),
        [VerifyCodes.Format] = ("The record is malformed: {problem}.", "记录格式错误：{problem}。"),
        [VerifyCodes.RequestHash] = ("Request hash differs: recorded {recorded}, computed {computed}.", "申请哈希不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.ListOrder] = ("Eligible list entry {index}: {problem}.", "合格名单第{index}项：{problem}。"),
        [VerifyCodes.ListHash] = ("List hash differs: recorded {recorded}, computed {computed}.", "名单哈希不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.Feasibility] = ("The eligible list cannot meet the request: {detail}.", "合格名单无法满足申请：{detail}。"),
        [VerifyCodes.Commitments] = ("Commitment of {office}: {problem}.", "{office}的承诺值：{problem}。"),
        [VerifyCodes.RevealMismatch] = ("The reveal of {office} does not match its commitment: recorded {recorded}, computed {computed}.", "{office}公开的随机值与承诺值不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.MissingReveals] = ("Missing reveals differ: recorded {recorded}, computed {computed}.", "未公开方不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.Beacon] = ("Beacon: {problem}.", "信标：{problem}。"),
        [VerifyCodes.SeedMissing] = ("The record shows a draw but no seed.", "记录显示已抽取但没有种子。"),
        [VerifyCodes.Seed] = ("Seed differs: recorded {recorded}, computed {computed}.", "种子不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.StrataDiffer] = ("Strata differ: recorded {recorded}, computed {computed}.", "抽取类别不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.Ordering] = ("Ordering of stratum {stratum} differs at position {position}: recorded {recorded}, computed {computed}.", "类别{stratum}的排序在第{position}位不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.Selection] = ("Selection of stratum {stratum} differs: recorded {recorded}, computed {computed}.", "类别{stratum}的选中名单不符：记录为{recorded}，计算得{computed}。"),
        [VerifyCodes.Replacement] = ("Replacement {seq}: {problem} (recorded {recorded}, computed {computed}).", "第{seq}次替补：{problem}（记录为{recorded}，计算得{computed}）。"),
    };

    // Argument values that are codes (party roles, relationship and link kinds, titles) read as words.
    private static readonly Dictionary<string, (string En, string Zh)> Values = new(StringComparer.Ordinal)
    {
        ["owner"] = ("owner", "招标人"),
        ["agent"] = ("tendering agent", "招标代理机构"),
        ["bidder"] = ("bidder", "投标人"),
        ["financialInterest"] = ("financial interest", "经济利益"),
        ["relative"] = ("family", "近亲属"),
        ["consultant"] = ("consultancy", "顾问"),
        ["other"] = ("other", "其他"),
        ["shareholder"] = ("shareholder", "股东"),
        ["legalRepresentative"] = ("legal representative", "法定代表人"),
        ["officer"] = ("director or officer", "董事、监事或高级管理人员"),
        ["sharedContact"] = ("shared contact details", "共用联系方式"),
        ["none"] = ("none", "无职称"),
        ["junior"] = ("junior", "初级"),
        ["intermediate"] = ("intermediate", "中级"),
        ["senior"] = ("deputy senior", "副高级"),
        ["fullSenior"] = ("full senior", "正高级"),
    };

    private static readonly HashSet<string> CodedArguments = new(StringComparer.Ordinal) { "role", "kind", "title", "minTitle" };

    /// <summary>The codes that have texts.</summary>
    public static IEnumerable<string> KnownCodes => Templates.Keys;

    /// <summary>Renders a reason in "en" or "zh-CN" (any "zh" culture gives Chinese; anything else English).</summary>
    public static string Format(Reason reason, string culture)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(culture);
        if (!Templates.TryGetValue(reason.Code, out var t))
        {
            return reason.Code + (reason.Args.Count == 0 ? "" : " " + string.Join(", ", reason.Args.Select(a => $"{a.Key}={a.Value}")));
        }
        var zh = culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var template = zh ? t.Zh : t.En;
        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            var close = template.IndexOf('}', open);
            sb.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            var value = reason.Args.TryGetValue(name, out var v) ? v : "";
            if (CodedArguments.Contains(name) && Values.TryGetValue(value, out var word))
            {
                value = zh ? word.Zh : word.En;
            }
            sb.Append(value);
            i = close + 1;
        }
        return sb.ToString();
    }
}
