using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SkiaSharp;
using Trading.Biometrics.Tests;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Like <see cref="BrowserTest"/>, but Chromium's camera is a file: <c>--use-fake-device-for-media-stream</c> with
/// <c>--use-file-for-fake-video-capture</c> plays a Y4M file made at test time from a calibration photo, and
/// <c>--use-fake-ui-for-media-stream</c> grants the permission prompt.
/// </summary>
public abstract class FakeCameraBrowserTest(PostgresServer pg) : BrowserTest(pg)
{
    protected string CameraFile { get; private set; } = "";

    /// <summary>The JPEG the fake camera shows.</summary>
    protected abstract byte[] CameraImage { get; }

    protected override async Task BeforeLaunchAsync()
    {
        Directory.CreateDirectory(App.DataDirectory);
        CameraFile = Path.Combine(App.DataDirectory, "camera.y4m");
        await File.WriteAllBytesAsync(CameraFile, Y4m.FromJpeg(CameraImage, frames: 2));
    }

    protected override IEnumerable<string> ExtraChromiumArgs =>
        ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-video-capture={CameraFile}"];

    protected override IEnumerable<string> Permissions => ["camera"];
}

/// <summary>Writes YUV4MPEG2 (4:2:0, BT.601 full range as Chromium's reader takes it) from a decoded photo.</summary>
internal static class Y4m
{
    public static byte[] FromJpeg(byte[] jpeg, int frames)
    {
        using var bmp = SKBitmap.Decode(jpeg);
        // 4:2:0 needs even sides.
        var w = bmp.Width & ~1;
        var h = bmp.Height & ~1;
        var y = new byte[w * h];
        var u = new byte[w / 2 * (h / 2)];
        var v = new byte[w / 2 * (h / 2)];
        for (var row = 0; row < h; row++)
        {
            for (var col = 0; col < w; col++)
            {
                var c = bmp.GetPixel(col, row);
                y[(row * w) + col] = Clamp((0.299 * c.Red) + (0.587 * c.Green) + (0.114 * c.Blue));
            }
        }
        for (var row = 0; row < h / 2; row++)
        {
            for (var col = 0; col < w / 2; col++)
            {
                double r = 0, g = 0, b = 0;
                for (var dy = 0; dy < 2; dy++)
                {
                    for (var dx = 0; dx < 2; dx++)
                    {
                        var c = bmp.GetPixel((col * 2) + dx, (row * 2) + dy);
                        r += c.Red; g += c.Green; b += c.Blue;
                    }
                }
                r /= 4; g /= 4; b /= 4;
                u[(row * (w / 2)) + col] = Clamp(128 - (0.168736 * r) - (0.331264 * g) + (0.5 * b));
                v[(row * (w / 2)) + col] = Clamp(128 + (0.5 * r) - (0.418688 * g) - (0.081312 * b));
            }
        }
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C420jpeg\n"));
        for (var f = 0; f < frames; f++)
        {
            ms.Write("FRAME\n"u8);
            ms.Write(y);
            ms.Write(u);
            ms.Write(v);
        }
        return ms.ToArray();
    }

    private static byte Clamp(double x) => (byte)Math.Clamp((int)Math.Round(x), 0, 255);
}

public class CheckInBrowserTests(PostgresServer pg) : FakeCameraBrowserTest(pg)
{
    protected override byte[] CameraImage => CheckInPhotos.Franck("04117");

    [Fact]
    public async Task Staff_enrol_an_expert_from_files_and_the_kiosk_checks_them_in_from_the_camera()
    {
        const string room = "评标室一";
        var expert = Seats.SeatExpert01(App, "CHK-BROWSER-1", room);

        var page = await NewPageAsync();
        await SignInAsync(page, "centre");

        // Enrolment from two photo files (the camera is for the kiosk here).
        string[] files = [Path.Combine(App.DataDirectory, "enrol-01829.jpg"), Path.Combine(App.DataDirectory, "enrol-02045.jpg")];
        await File.WriteAllBytesAsync(files[0], CheckInPhotos.Franck("01829"));
        await File.WriteAllBytesAsync(files[1], CheckInPhotos.Franck("02045"));
        await page.GotoAsync($"/CheckIn/Enrol?expert={expert.Id}");
        await page.GetByLabel("Photos (JPEG or PNG, 1 to 3)").SetInputFilesAsync(files);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("enrol-done")).ToContainTextAsync("enrolled from 2 photo(s)");

        // The kiosk: the camera is Chromium's fake device playing Franck's frame.
        await page.GotoAsync("/CheckIn");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the kiosk" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the camera" }).ClickAsync();
        await page.WaitUntilAsync("document.getElementById('camera').videoWidth > 0");
        await page.GetByLabel("Choose your name").SelectOptionAsync(expert.RegistrationNumber);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in", Exact = true }).ClickAsync();
        var result = page.GetByTestId("kiosk-result").Locator(".alert");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-decision", "Accepted", new() { Timeout = 30_000 });
        await Assertions.Expect(result).ToContainTextAsync("Check-in accepted.");
        await Assertions.Expect(page.Locator($"tr[data-expert='{expert.RegistrationNumber}'] .status")).ToHaveTextAsync("Admitted");

        // It is in the log, and on the attempts list after a reload.
        // This test's (the demo's history has its own, weeks before the present).
        var attempt = App.WithDb(db => db.Set<CheckInAttempt>().Single(a => a.At >= TradingFactory.Start.UtcDateTime));
        Assert.Equal(CheckInDecision.Accepted, attempt.Decision);
        var entry = App.WithDb(db => db.LogEntries.Single(e => e.Type == "checkin.attempt" && e.RecordedAt >= TradingFactory.Start.UtcDateTime));
        Assert.Contains(attempt.ImageSha256, entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"decision\":\"Accepted\"", entry.Payload, StringComparison.Ordinal);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("checkin-attempts").Locator($"tr[data-attempt='{attempt.Id}']")).ToContainTextAsync("Admitted");
    }
}
