using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Web.Features.DemoClock;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>The demo clock: centre staff move it forward from a page, it is logged, and Production never has it.</summary>
public class DemoClockTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public async Task Centre_staff_move_the_demo_clock_forward_and_the_move_is_logged_and_shown()
    {
        var clock = App.Services.GetRequiredService<DemoClock>();
        var before = clock.GetUtcNow();
        var centre = await Browser.SignInAsync(App, "centre");
        var r = await Browser.PostFormAsync(centre, "/DemoClock", "/DemoClock", new Dictionary<string, string> { ["Hours"] = "24" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.InRange(clock.Offset, TimeSpan.FromHours(24), TimeSpan.FromHours(24));
        Assert.True(clock.GetUtcNow() - before >= TimeSpan.FromHours(24));
        var entry = App.WithDb(db => db.LogEntries.AsNoTracking().Single(e => e.Type == "demo.clock.advanced"));
        Assert.DoesNotContain(App.WithDb(db => db.Users.Single(u => u.UserName == "centre").Id.ToString()), entry.Payload, StringComparison.Ordinal);
        // Kept across restarts: the offset is in the data folder.
        Assert.Equal(TimeSpan.FromHours(24), new DemoClock(TimeProvider.System, App.DataDirectory).Offset);
        // Every page says the clock is ahead.
        Assert.Contains("demo-clock-bar", await centre.GetStringAsync("/"), StringComparison.Ordinal);

        // Backwards or beyond a year is refused with the rule; others may not move it at all.
        var back = await Browser.PostFormAsync(centre, "/DemoClock", "/DemoClock", new Dictionary<string, string> { ["Hours"] = "-5" });
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Contains("演示时钟只能向前拨动", await back.Content.ReadAsStringAsync(), StringComparison.Ordinal); // demo users prefer Chinese
        Assert.Equal(TimeSpan.FromHours(24), clock.Offset);
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var refused = await Browser.PostFormAsync(supervisor, "/DemoClock", "/DemoClock", new Dictionary<string, string> { ["Hours"] = "1" });
        Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal(TimeSpan.FromHours(24), clock.Offset);
        var bidder = await Browser.SignInAsync(App, "bidder01");
        Assert.NotEqual(HttpStatusCode.OK, (await bidder.GetAsync("/DemoClock")).StatusCode);
    }

    [Fact]
    public void Production_never_gets_the_demo_clock()
    {
        var dir = Directory.CreateTempSubdirectory("demo-clock-").FullName;
        foreach (var (env, expected) in new[] { ("Production", false), ("Development", true) })
        {
            var services = new ServiceCollection();
            DemoClockModule.AddDemoClock(services, new PlatformOptions { Demo = true }, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = env }, dir);
            Assert.Equal(expected, services.Any(s => s.ServiceType == typeof(DemoClock)));
        }
        var none = new ServiceCollection();
        DemoClockModule.AddDemoClock(none, new PlatformOptions { Demo = false }, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" }, dir);
        Assert.Empty(none);
        Directory.Delete(dir, true);
    }
}
