using System.Text.Json;
using Microsoft.Playwright;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// axe-core (from npm, the same engine the issue's audit used) on the key pages of every role in both languages:
/// any WCAG 2.0/2.1 A or AA violation fails. And the layout at 320, 390, 1280 and 1920 px: no horizontal scroll,
/// no menu label broken over two lines, the desktop menu on one row.
/// </summary>
public sealed class AccessibilityBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    internal static readonly string AxeSource = File.ReadAllText(FindAxe());

    private static string FindAxe()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "node_modules/axe-core/axe.min.js"))) d = d.Parent;
        return d is null
            ? throw new InvalidOperationException("node_modules/axe-core/axe.min.js not found: run npm ci at the repository root (the web build does)")
            : Path.Combine(d.FullName, "node_modules/axe-core/axe.min.js");
    }

    private (Guid Published, Guid Firm) Ids() => App.WithDb(db => (
        db.Tenders.Where(t => t.Step >= LifecycleStep.NoticePublished).OrderBy(t => t.Code).Select(t => t.Id).First(),
        db.Organisations.Where(o => o.Kind == OrganisationKind.BidderFirm).OrderBy(o => o.Name).Select(o => o.Id).First()));

    private IEnumerable<(string? User, string Path)> KeyPages()
    {
        var (tender, firm) = Ids();
        return
        [
            (null, "/"), (null, "/Tenders"), (null, "/Log"), (null, $"/Tenders/Details/{tender}"), (null, "/Account/Login"), (null, "/Firms/Register"),
            (null, "/Results"), (null, "/Results?q=ZB&outcome=failed"),
            ("owner1", "/Tenders/Create"), ("owner1", "/Draw"),
            ("bidder01", $"/Firms/Details/{App.WithDb(db => db.Users.Single(u => u.UserName == "bidder01").OrganisationId)}"), ("bidder01", $"/Submission/Bid/{tender}"),
            ("centre", "/Firms"), ("centre", $"/Firms/Details/{firm}"), ("centre", "/Experts"), ("centre", "/Draw"), ("centre", "/CheckIn"), ("centre", "/Supervision/Settings"),
            ("supervisor", "/Supervision"), ("supervisor", "/Integrity"), ("supervisor", "/Integrity/History"), ("supervisor", "/Audit"), ("supervisor", "/Log/Witness"),
            ("expert01", "/Experts/Me"), ("expert01", "/Draw/Invitations"),
            ("admin", "/Admin"), ("admin", "/Admin/Changes"), (null, "/Account/SetPassword"),
            ("bidder01", "/Certificates"), ("centre", "/Certificates"),
        ];
    }

    [Fact]
    public async Task Key_pages_have_no_WCAG_21_AA_violations_in_either_language()
    {
        // The harness finds what it should: an image without a text alternative is a violation.
        var probe = await NewPageAsync();
        await probe.GotoAsync("/");
        await probe.EvaluateAsync("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.svg\">')");
        Assert.Contains(await AxeAsync(probe), v => v.StartsWith("image-alt", StringComparison.Ordinal));
        await probe.Context.CloseAsync();

        var problems = new List<string>();
        foreach (var group in KeyPages().GroupBy(p => p.User))
        {
            foreach (var culture in new[] { "zh-CN", "en" })
            {
                var page = await NewPageAsync(culture == "en" ? "en-US" : "zh-CN");
                if (group.Key is { Length: > 0 } user) await SignInEnglishAsync(page, user);
                foreach (var (_, path) in group)
                {
                    var response = await page.GotoAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "culture=" + culture);
                    Assert.True(response is { Ok: true }, $"{path} answered {response?.Status}");
                    foreach (var v in await AxeAsync(page))
                        problems.Add($"{culture} {group.Key ?? "anonymous"} {path}: {v}");
                }
                await page.Context.CloseAsync();
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData(320)]
    [InlineData(390)]
    [InlineData(1280)]
    [InlineData(1366)]
    [InlineData(1920)]
    public async Task Pages_fit_the_screen_and_the_menu_never_wraps(int width)
    {
        var problems = new List<string>();
        foreach (var group in KeyPages().GroupBy(p => p.User))
        {
            foreach (var culture in new[] { "zh-CN", "en" })
            {
                var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
                {
                    Locale = culture == "en" ? "en-US" : "zh-CN", BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = 900 },
                });
                var page = await context.NewPageAsync();
                if (group.Key is { Length: > 0 } user) await SignInEnglishAsync(page, user);
                foreach (var (_, path) in group)
                {
                    await page.GotoAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "culture=" + culture);
                    var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                    if (overflow > 0)
                    {
                        var culprit = await page.EvaluateAsync<string>("""
                            () => { const w = document.documentElement.clientWidth;
                              const clipped = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
                              const el = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).position !== 'fixed' && !clipped(e))
                                .sort((a, b) => a.querySelectorAll('*').length - b.querySelectorAll('*').length)[0];
                              return el ? el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ +/g, '.') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"' : '?'; }
                            """);
                        problems.Add($"{width}px {culture} {group.Key ?? "anonymous"} {path}: {overflow}px wider than the screen ({culprit})");
                    }
                    if (width >= 1200)
                    {
                        // Each label on one line, and every top-level item on the same row as the first.
                        var wrapped = await page.EvaluateAsync<string[]>("""
                            () => { const out = []; const items = [...document.querySelectorAll('.site-header .navbar-nav > .nav-item > .nav-link, .site-header #culture-select, .site-header .btn')];
                              const top = items.length ? items[0].getBoundingClientRect().top : 0;
                              for (const a of items) { const r = a.getBoundingClientRect(); const lh = parseFloat(getComputedStyle(a).lineHeight) || 24;
                                if (a.getClientRects().length > 1 || r.height > lh * 1.6 + 20) out.push('two lines: ' + a.textContent.trim());
                                if (Math.abs(r.top - top) > 24) out.push('second row: ' + a.textContent.trim()); }
                              return out; }
                            """);
                        problems.AddRange(wrapped.Select(w => $"{width}px {culture} {group.Key ?? "anonymous"} {path}: {w}"));
                    }
                }
                await context.CloseAsync();
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task The_certificate_page_names_its_request_form_and_passes_axe_with_an_issued_certificate_and_an_open_request()
    {
        // The demo certifies no firm: one issued certificate and one open request (its renewal) for bidder01's firm, so
        // every per-row control (download, renew, revoke; approve and reject for the centre) is on the page axe reads.
        var firm = App.WithDb(db => db.Users.Single(u => u.UserName == "bidder01").OrganisationId);
        App.WithDb(db =>
        {
            var user = db.Users.Single(u => u.UserName == "bidder01").Id;
            using var issuedKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            using var renewalKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var now = DateTime.UtcNow;
            var issued = new Trading.Domain.Certificates.FirmCertificate
            {
                FirmId = firm, RequestedByUserId = user, RequestedAt = now.AddDays(-2), PublicKey = issuedKey.ExportSubjectPublicKeyInfo(),
                Status = Trading.Domain.Certificates.FirmCertificateStatus.Issued, DecidedAt = now.AddDays(-1), SerialNumber = "5a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d",
                NotBefore = now.AddDays(-1), NotAfter = now.AddDays(364),
            };
            issued.KeySha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(issued.PublicKey));
            var renewal = new Trading.Domain.Certificates.FirmCertificate
            {
                FirmId = firm, RequestedByUserId = user, RequestedAt = now, PublicKey = renewalKey.ExportSubjectPublicKeyInfo(), RenewsId = issued.Id,
                Status = Trading.Domain.Certificates.FirmCertificateStatus.Requested,
            };
            renewal.KeySha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(renewal.PublicKey));
            db.AddRange(issued, renewal);
            return db.SaveChanges();
        });

        var problems = new List<string>();
        foreach (var (user, culture, formName) in new[] { ("bidder01", "zh-CN", "申请证书"), ("bidder01", "en", "Ask for a certificate"), ("centre", "zh-CN", null), ("centre", "en", null) })
        {
            var page = await NewPageAsync(culture == "en" ? "en-US" : "zh-CN");
            await SignInEnglishAsync(page, user);
            await page.GotoAsync("/Certificates?culture=" + culture);
            Assert.Equal(2, await page.Locator("[data-certificate]").CountAsync());
            // A form is a landmark, and one people can reach and tell apart, only with a name: the request form takes its heading's.
            if (formName is not null) Assert.Equal(1, await page.GetByRole(AriaRole.Form, new() { Name = formName, Exact = true }).CountAsync());
            problems.AddRange((await AxeAsync(page)).Select(v => $"{culture} {user}: {v}"));
            await page.Context.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Each_certificate_rows_renew_download_and_revoke_are_named_with_its_serial_in_both_languages()
    {
        // Two issued certificates of one firm: each row's controls must be told apart by a screen reader's list of
        // controls, so their names carry the row's serial (the visible words stay the same and start the name).
        string[] serials = ["6b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", "7c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"];
        App.WithDb(db =>
        {
            var user = db.Users.Single(u => u.UserName == "bidder02");
            var now = DateTime.UtcNow;
            foreach (var serial in serials)
            {
                using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
                var c = new Trading.Domain.Certificates.FirmCertificate
                {
                    FirmId = user.OrganisationId, RequestedByUserId = user.Id, RequestedAt = now.AddDays(-2), PublicKey = key.ExportSubjectPublicKeyInfo(),
                    Status = Trading.Domain.Certificates.FirmCertificateStatus.Issued, DecidedAt = now.AddDays(-1), SerialNumber = serial,
                    NotBefore = now.AddDays(-1), NotAfter = now.AddDays(364),
                };
                c.KeySha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(c.PublicKey));
                db.Add(c);
            }
            return db.SaveChanges();
        });

        foreach (var (user, culture, download, renew, revoke) in new[]
        {
            ("bidder02", "zh-CN", "下载证书 ", (string?)"续期证书 ", "吊销证书 "), ("bidder02", "en", "Download certificate ", "Renew certificate ", "Revoke certificate "),
            ("centre", "en", "Download certificate ", null, "Revoke certificate "),
        })
        {
            var page = await NewPageAsync(culture == "en" ? "en-US" : "zh-CN");
            await SignInEnglishAsync(page, user);
            await page.GotoAsync("/Certificates?culture=" + culture);
            foreach (var serial in serials)
            {
                var row = page.Locator($"tr:has(code[data-testid=certificate-serial]:text-is('{serial}'))");
                Assert.Equal(1, await row.CountAsync());
                // Each control is found by its full name, once on the page, and it is the one in that serial's row.
                Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = download + serial, Exact = true }).CountAsync());
                Assert.Equal(1, await row.GetByRole(AriaRole.Link, new() { Name = download + serial, Exact = true }).CountAsync());
                Assert.Equal(1, await row.GetByRole(AriaRole.Button, new() { Name = revoke + serial, Exact = true }).CountAsync());
                if (renew is not null) Assert.Equal(1, await row.GetByRole(AriaRole.Button, new() { Name = renew + serial, Exact = true }).CountAsync());
            }
            // No two of the row controls share a name.
            var names = await page.Locator("[data-certificate] [data-testid=download], [data-certificate] [data-testid=renew], [data-certificate] [data-testid=revoke]")
                .EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('aria-label'))");
            Assert.True(names.Length >= 4, string.Join(" | ", names));
            Assert.Equal(names.Length, names.Distinct().Count());
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_language_menu_moves_with_the_arrow_keys_without_reloading_and_switches_on_Enter()
    {
        var page = await NewPageAsync("zh-CN");
        await page.GotoAsync("/?culture=zh-CN");
        await page.GotoAsync("/Tenders");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await page.Locator("#culture-select").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.WaitForTimeoutAsync(300);
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang")); // still the same page
        Assert.Equal("en", await page.Locator("#culture-select").InputValueAsync());
        await page.Keyboard.PressAsync("Enter");
        await page.WaitUntilAsync("document.documentElement.lang === 'en'");
        Assert.EndsWith("/Tenders", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_form_flags_its_invalid_fields_in_the_page_language()
    {
        var page = await NewPageAsync("zh-CN");
        await page.GotoAsync("/Firms/Register?culture=zh-CN");
        // Past the browser's own required check, as a script or an old browser would be.
        await page.EvaluateAsync("() => document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))");
        await page.Locator("#Form_Name").FillAsync("示范测试有限公司");
        await page.Locator("form.card button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
        var summary = await page.Locator(".validation-summary-errors").InnerTextAsync();
        Assert.Contains("请填写“联系人”", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("ContactName", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("field is required", summary, StringComparison.Ordinal);
        Assert.Equal("true", await page.Locator("#Form_ContactName").GetAttributeAsync("aria-invalid"));
        Assert.Null(await page.Locator("#Form_Name").GetAttributeAsync("aria-invalid"));
        // The first flagged field has the focus.
        Assert.Equal("true", await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('aria-invalid')"));
    }

    /// <summary>The shared sign-in reads the English labels; the page's language is then chosen per request with ?culture=.</summary>
    private static async Task SignInEnglishAsync(IPage page, string user)
    {
        await page.GotoAsync("/Account/Login?culture=en");
        await page.Locator("#UserName").FillAsync(user);
        await page.Locator("#Password").FillAsync(Trading.Web.Demo.DemoSeeder.Password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        // Commit, not load: the next step navigates anyway (PageWaits says why it polls the URL).
        // Not a speed check: a loaded CI machine once needed more than Playwright's default 30 s for the sign-in's redirect.
        await page.WaitForSignInAsync(u => !u.Contains("/Account/Login", StringComparison.Ordinal), 120_000);
    }

    /// <summary>No WCAG A/AA violation (axe-core), and no horizontal scroll on a phone or a wide screen: for journeys that check their own pages.</summary>
    internal static async Task AssertUsableAsync(IPage page, string url)
    {
        foreach (var (w, h) in new[] { (390, 844), (1920, 1080) })
        {
            await page.SetViewportSizeAsync(w, h);
            await page.GotoAsync(url);
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, $"{url} scrolls sideways at {w} px");
            var violations = await AxeAsync(page);
            Assert.True(violations.Count == 0, $"{url} at {w} px: " + string.Join("\n", violations));
        }
    }

    internal static async Task<List<string>> AxeAsync(IPage page)
    {
        // Evaluated rather than added as a <script> tag, so the page's Content-Security-Policy stays as it is.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'")) await page.EvaluateAsync(AxeSource);
        var json = await page.EvaluateAsync<string>("""
            async () => JSON.stringify((await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }))
              .violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)).join(' | ')))
            """);
        return JsonSerializer.Deserialize<List<string>>(json)!;
    }
}
