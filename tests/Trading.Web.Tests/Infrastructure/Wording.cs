using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// The words a page shows for a rule, read from the Chinese resources (the default language), so that a test names
/// the rule it expects by its constant and keeps passing when the wording changes.
/// </summary>
public static partial class Wording
{
    private static readonly Lazy<Dictionary<string, string>> Chinese = new(() =>
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Trading.sln"))) d = d.Parent;
        var resx = Path.Combine(d?.FullName ?? throw new InvalidOperationException("repository root not found"), "src", "Trading.Web", "Resources", "SharedResource.zh-CN.resx");
        return XDocument.Load(resx).Root!.Elements("data")
            .ToDictionary(e => (string)e.Attribute("name")!, e => (string?)e.Element("value") ?? "", StringComparer.Ordinal);
    });

    [GeneratedRegex(@"\{\d+(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();

    /// <summary>
    /// The longest part of <paramref name="code"/>'s Chinese text between its placeholders: what any refusal for that
    /// rule shows, whatever its arguments.
    /// </summary>
    public static string Of(string code)
    {
        Assert.True(Chinese.Value.TryGetValue(code, out var text), $"{code} has no Chinese text");
        return Placeholder().Split(text!).MaxBy(s => s.Length)!;
    }
}
