using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Trading.Web.Tests;

/// <summary>
/// Every page speaks both languages: the two resource files hold the same keys with text in each, every key a page
/// or a service asks for by a literal exists, and page markup holds no words of its own (as far as a scan of the
/// .cshtml text and labelling attributes can tell; text built in C# is checked by the keys it asks for).
/// </summary>
public sealed partial class ResourceTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Resources = Path.Combine(Root, "src/Trading.Web/Resources");
    private static readonly string Web = Path.Combine(Root, "src/Trading.Web");

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Trading.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Trading.sln not found above the test binaries");
    }

    private static Dictionary<string, string> Read(string file)
    {
        var doc = XDocument.Load(Path.Combine(Resources, file));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in doc.Root!.Elements("data"))
        {
            var name = (string)d.Attribute("name")!;
            Assert.False(result.ContainsKey(name), $"{file} defines {name} twice");
            result[name] = (string?)d.Element("value") ?? "";
        }
        return result;
    }

    [Fact]
    public void Chinese_and_English_hold_the_same_keys_each_with_text()
    {
        var en = Read("SharedResource.resx");
        var zh = Read("SharedResource.zh-CN.resx");
        Assert.Empty(en.Keys.Except(zh.Keys).Order().Select(k => "only in English: " + k));
        Assert.Empty(zh.Keys.Except(en.Keys).Order().Select(k => "only in Chinese: " + k));
        Assert.Empty(en.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => "empty English: " + p.Key));
        Assert.Empty(zh.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => "empty Chinese: " + p.Key));
        // A placeholder in one language and not the other loses an argument or throws at format time.
        var placeholders = en.Where(p => Placeholders(p.Value) != Placeholders(zh[p.Key])).Select(p => $"placeholders differ: {p.Key}");
        Assert.Empty(placeholders);
    }

    [Fact]
    public void Chinese_texts_are_in_Chinese()
    {
        // A value copied from English into the Chinese file is an untranslated string on every Chinese page.
        var en = Read("SharedResource.resx");
        var zh = Read("SharedResource.zh-CN.resx");
        var copied = zh.Where(p => !Cjk().IsMatch(p.Value) && Words().IsMatch(p.Value) && p.Value == en[p.Key] && !ProperNoun(p.Value))
            .Select(p => p.Key).Order().ToList();
        Assert.Empty(copied);
        // English text may quote a Chinese example or a law's title; a value with no English words at all was not translated.
        var chineseInEnglish = en.Where(p => Cjk().IsMatch(p.Value) && !Words().IsMatch(p.Value)).Select(p => p.Key).Order().ToList();
        Assert.Empty(chineseInEnglish);
    }

    [Fact]
    public void Every_literal_key_that_code_asks_for_exists()
    {
        var keys = Read("SharedResource.resx").Keys.ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Web, "*.*", SearchOption.AllDirectories)
                     .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in LiteralKey().Matches(text))
            {
                var key = m.Groups[1].Value;
                if (!keys.Contains(key)) missing.Add($"{Path.GetRelativePath(Root, file)}: {key}");
            }
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void Page_markup_holds_no_words_outside_the_resources()
    {
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Web, "Features"), "*.cshtml", SearchOption.AllDirectories))
        {
            var text = RazorComment().Replace(File.ReadAllText(file), "");
            foreach (Match m in TextNode().Matches(text))
            {
                var node = m.Groups["text"].Value;
                var tag = m.Groups["tag"].Value;
                // Command lines, hashes and code samples are not prose; Razor expressions are checked by their keys.
                if (tag is "code" or "pre" or "kbd" or "samp" || node.Contains('@', StringComparison.Ordinal) || node.IndexOfAny(['{', '}', ';', '=']) >= 0) continue;
                var words = Entity().Replace(node, " ").Trim();
                if (words.Length == 0 || Allowed.Contains(words)) continue;
                if (Cjk().IsMatch(words) || Words().IsMatch(words)) problems.Add($"{Path.GetRelativePath(Root, file)}: \"{words}\"");
            }
            foreach (Match m in LabelAttribute().Matches(text))
                problems.Add($"{Path.GetRelativePath(Root, file)}: {m.Value}");
        }
        Assert.Empty(problems);
    }

    /// <summary>Names that are the same in both languages (the language picker names each language in itself).</summary>
    private static readonly HashSet<string> Allowed = ["中文", "English", "公", "OpenAPI", "· AGPL-3.0-or-later", "AGPL-3.0-or-later", "SHA-256", "KB", "KiB"];

    private static bool ProperNoun(string v) => v is "OpenAPI" or "SHA-256" or "English" or "PDF" or "JSON" or "CLI" || v.StartsWith("http", StringComparison.Ordinal) || !v.Contains(' ', StringComparison.Ordinal) && v.Length <= 6;

    private static string Placeholders(string v) => string.Join(",", PlaceholderRegex().Matches(v).Select(m => m.Groups[1].Value).Distinct().Order());

    [GeneratedRegex(@"\{(\d+)[^}]*\}")] private static partial Regex PlaceholderRegex();
    [GeneratedRegex(@"[\u3400-\u9fff]")] private static partial Regex Cjk();
    [GeneratedRegex(@"[A-Za-z]{2,}")] private static partial Regex Words();
    [GeneratedRegex(@"&[a-z#0-9]+;")] private static partial Regex Entity();
    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)] private static partial Regex RazorComment();
    [GeneratedRegex(@"<(?<tag>[a-z0-9]+)\b[^<>]*>(?<text>[^<>]+)<")] private static partial Regex TextNode();
    [GeneratedRegex(@"\b(?:aria-label|placeholder|title|alt)=""[^""@]*[A-Za-z\u3400-\u9fff][^""@]*""")] private static partial Regex LabelAttribute();
    // T["Key"], T["Key", args], Flash("Key"...), Refuse/RuleViolation keys are constants checked by their own tests.
    [GeneratedRegex(@"\bT\[""([A-Za-z][A-Za-z0-9_.\-/]*)""\s*[\],]")] private static partial Regex LiteralKey();
}
