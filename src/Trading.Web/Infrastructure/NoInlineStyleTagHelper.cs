using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Trading.Web.Infrastructure;

/// <summary>
/// The framework's validation summary writes an empty <c>&lt;li style="display:none"&gt;</c> placeholder when there are
/// no errors, which the Content-Security-Policy (no style attributes) refuses. This runs after it and writes the same
/// placeholder with the <c>hidden</c> attribute instead, so every form keeps its summary and the policy stays strict.
/// </summary>
[HtmlTargetElement("div", Attributes = "asp-validation-summary")]
public sealed class NoInlineStyleValidationSummaryTagHelper : TagHelper
{
    /// <summary>After ValidationSummaryTagHelper (Order -1000).</summary>
    public override int Order => 1000;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!output.PostContent.IsModified) return;
        var html = output.PostContent.GetContent();
        if (html.Contains("style=\"display:none\"", StringComparison.Ordinal))
            output.PostContent.SetHtmlContent(html.Replace("style=\"display:none\"", "hidden", StringComparison.Ordinal));
    }
}
