using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Flags every field whose value was refused (aria-invalid and Bootstrap's is-invalid), whether the page writes it
/// with asp-for or with a plain name, so a screen reader announces it and sighted users see it after a refused submit.
/// </summary>
// Not "Attributes = name": an asp-for field has no name in the source, only in the output of the asp-for helper.
[HtmlTargetElement("input")]
[HtmlTargetElement("select")]
[HtmlTargetElement("textarea")]
public sealed class InvalidFieldTagHelper : TagHelper
{
    [ViewContext, HtmlAttributeNotBound] public ViewContext ViewContext { get; set; } = null!;

    // After asp-for, which writes the name.
    public override int Order => 1000;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = output.Attributes["name"]?.Value?.ToString();
        if (string.IsNullOrEmpty(name) || ViewContext.ViewData.ModelState.ErrorCount == 0 || !ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) || entry.Errors.Count == 0) return;
        output.Attributes.SetAttribute("aria-invalid", "true");
        var cls = output.Attributes["class"]?.Value?.ToString() ?? "";
        if (!cls.Contains("is-invalid", StringComparison.Ordinal)) output.Attributes.SetAttribute("class", (cls + " is-invalid").Trim());
    }
}
