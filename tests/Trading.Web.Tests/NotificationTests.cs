using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.Web.Features.Notifications;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class NotificationTests(PostgresServer pg) : WebTest(pg)
{
    private async Task<Guid> RaiseAsync(string userName, string kind, bool save = true)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var user = db.Users.Single(u => u.UserName == userName);
        scope.ServiceProvider.GetRequiredService<Notifier>().Raise(new Notice(user.Id, kind, "Notifications.Title", "Notifications.None", [], "/Tenders"));
        if (save) await db.SaveChangesAsync();
        return user.Id;
    }

    [Fact]
    public async Task A_notice_reaches_its_user_in_app_and_by_email_in_their_language_and_nobody_else()
    {
        await RaiseAsync("supervisor", "test.kind");

        var mine = await Browser.SignInAsync(App, "supervisor");
        var page = await mine.GetStringAsync("/Notifications");
        Assert.Contains("data-kind=\"test.kind\"", page, StringComparison.Ordinal);
        Assert.Contains("暂无消息。", page, StringComparison.Ordinal); // the body key, rendered in the reader's language (zh-CN)

        var other = await Browser.SignInAsync(App, "centre");
        Assert.DoesNotContain("test.kind", await other.GetStringAsync("/Notifications"), StringComparison.Ordinal);

        Assert.Equal(1, await App.RunJobAsync<NotificationDispatcher>());
        var mail = Directory.GetFiles(Path.Combine(App.DataDirectory, "mail"), "*.eml");
        var text = await File.ReadAllTextAsync(Assert.Single(mail));
        Assert.Contains("supervisor@example.cn", text, StringComparison.Ordinal);
        // The supervisor prefers zh-CN, so the e-mail is in Chinese whatever language the page was read in.
        Assert.Contains("=?utf-8?", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await App.RunJobAsync<NotificationDispatcher>()); // sent once, not again
    }

    [Fact]
    public async Task A_notice_raised_in_a_change_that_is_not_saved_is_never_sent()
    {
        await RaiseAsync("supervisor", "test.unsaved", save: false);
        Assert.Equal(0, await App.RunJobAsync<NotificationDispatcher>());
        Assert.Empty(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Where(n => n.Kind == "test.unsaved").ToList()));
    }

    [Fact]
    public async Task Reading_marks_them_read_and_the_page_needs_sign_in()
    {
        var id = await RaiseAsync("owner1", "test.read");
        var c = await Browser.SignInAsync(App, "owner1");
        var r = await Browser.PostFormAsync(c, "/Notifications", "/Notifications?handler=ReadAll", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.All(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Where(n => n.UserId == id).ToList()), n => Assert.NotNull(n.ReadAt));

        var anon = Browser.Client(App);
        var denied = await anon.GetAsync("/Notifications");
        Assert.True(denied.StatusCode == HttpStatusCode.Redirect, await denied.Content.ReadAsStringAsync());
        Assert.Contains("/Account/Login", denied.Headers.Location!.ToString(), StringComparison.Ordinal);

        // Without the anti-forgery token the form post is refused.
        var forged = await Browser.PostFormAsync(c, "/Notifications", "/Notifications?handler=ReadAll", new Dictionary<string, string>(), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }
}
