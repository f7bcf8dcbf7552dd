using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Trading.Web.Demo;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>An HTTP client that behaves like a browser on the pages: cookies, anti-forgery tokens from forms.</summary>
public static partial class Browser
{
    public static HttpClient Client(TradingFactory app, string culture = "en")
    {
        var c = app.NewClient(cookies: true);
        c.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(culture));
        return c;
    }

    public static async Task<string> TokenAsync(HttpClient c, string url)
    {
        var html = await c.GetStringAsync(url);
        var m = TokenRegex().Match(html);
        Assert.True(m.Success, $"no anti-forgery token on {url}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient c, string pageUrl, string postUrl, IDictionary<string, string> fields, bool withToken = true)
    {
        var all = new Dictionary<string, string>(fields);
        if (withToken) all["__RequestVerificationToken"] = await TokenAsync(c, pageUrl);
        return await c.PostAsync(postUrl, new FormUrlEncodedContent(all));
    }

    public static async Task<HttpClient> SignInAsync(TradingFactory app, string user, string password = DemoSeeder.Password)
    {
        var c = Client(app);
        var r = await PostFormAsync(c, "/Account/Login", "/Account/Login", new Dictionary<string, string> { ["UserName"] = user, ["Password"] = password });
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"sign-in of {user} failed: {r.StatusCode}");
        return c;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
