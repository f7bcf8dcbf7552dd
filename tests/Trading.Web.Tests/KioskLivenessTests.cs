using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Trading.Biometrics;
using Trading.Biometrics.Tests;
using Trading.Domain.CheckIn;
using Trading.Web.Features.CheckIn;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>Enrolment refuses a face already enrolled for another expert unless staff give a reason (issue 21).</summary>
public class DuplicateFaceTests(PostgresServer pg) : CheckInTestBase(pg)
{
    [Fact]
    public async Task A_face_enrolled_for_another_expert_is_refused_naming_the_match_and_enrolled_only_with_a_reason()
    {
        var centre = await App.ApiAsync("centre");
        Assert.Equal(HttpStatusCode.Created, (await EnrolAsync(centre, "expert01", CheckInPhotos.Franck("01829"), CheckInPhotos.Franck("02045"))).StatusCode);
        var e01 = Expert("expert01");

        // Other frames of the same man for a second expert: refused, the match named to staff, nothing saved or logged.
        var title = await (await EnrolAsync(centre, "expert03", CheckInPhotos.Franck("02159"), CheckInPhotos.Franck("04117"))).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.DuplicateFace);
        Assert.Contains(e01.RegistrationNumber, title, StringComparison.Ordinal);
        Assert.Contains(e01.Name, title, StringComparison.Ordinal);
        Assert.Contains("already enrolled", title, StringComparison.Ordinal);
        var e03 = Expert("expert03");
        Assert.False(App.WithDb(db => db.Set<FaceEnrolmentRecord>().Any(r => r.ExpertId == e03.Id)));
        Assert.Single(Log("checkin.enrolled"));

        // In Chinese too, in words.
        var zh = await App.ApiAsync("centre", culture: "zh-CN");
        var zhTitle = await (await EnrolAsync(zh, "expert03", CheckInPhotos.Franck("02159"))).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.DuplicateFace);
        Assert.Contains("已为", zhTitle, StringComparison.Ordinal);

        // A different person is not a duplicate.
        Assert.Equal(HttpStatusCode.Created, (await EnrolAsync(centre, "expert04", CheckInPhotos.Walter(300), CheckInPhotos.Walter(400))).StatusCode);

        // With a written reason it is enrolled, and the log carries the match (pseudonym and score) and the reason.
        Assert.Equal(HttpStatusCode.Created, (await EnrolDuplicateAsync(centre, "expert03", "identical twin of expert01, checked by ID card", CheckInPhotos.Franck("02159"))).StatusCode);
        var logged = Log("checkin.enrolled").Last().Data;
        Assert.Equal(Pseudonym("expert", e01.RegistrationNumber), logged.GetProperty("duplicateOf").GetString());
        Assert.True(double.Parse(logged.GetProperty("duplicateScore").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= CheckInThresholds.CalibratedMatch);
        Assert.Equal("identical twin of expert01, checked by ID card", logged.GetProperty("duplicateReason").GetString());

        // Re-enrolling the same expert is not a duplicate of themselves.
        Assert.Equal(HttpStatusCode.Created, (await EnrolAsync(centre, "expert04", CheckInPhotos.Walter(350))).StatusCode);
    }

    [Fact]
    public async Task A_truncated_photo_is_refused_at_enrolment_and_at_check_in_as_damaged()
    {
        SessionNow(Room, "expert01");
        var centre = await App.ApiAsync("centre");
        var whole = CheckInPhotos.Franck("01829");
        var cut = whole[..(whole.Length * 85 / 100)];
        var title = await (await EnrolAsync(centre, "expert01", cut)).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.EnrolmentRefused);
        Assert.Contains("truncated or damaged", title, StringComparison.Ordinal);
        Assert.Empty(Log("checkin.enrolled"));

        Assert.Equal(HttpStatusCode.Created, (await EnrolAsync(centre, "expert01", whole)).StatusCode);
        var probe = CheckInPhotos.Franck("04117");
        var r = await CheckInOkAsync(centre, Room, "expert01", probe[..(probe.Length * 85 / 100)]);
        Assert.False(r.GetProperty("admitted").GetBoolean());
        Assert.Equal(nameof(BiometricReason.ImageDamaged), r.GetProperty("reason").GetString());
        Assert.Equal(nameof(BiometricReason.ImageDamaged), Log("checkin.attempt").Last().Data.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_blurred_or_dark_photo_is_refused_at_enrolment_saying_what_to_do_in_the_users_language()
    {
        var good = CheckInPhotos.Franck("02159");
        var zh = await App.ApiAsync("centre", culture: "zh-CN");
        var title = await (await EnrolAsync(zh, "expert01", SyntheticImages.Blurred(good, 9))).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.EnrolmentRefused);
        Assert.Contains("人脸模糊", title, StringComparison.Ordinal);
        var centre = await App.ApiAsync("centre");
        title = await (await EnrolAsync(centre, "expert01", good, SyntheticImages.Levels(good, 0.22f, 0))).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.EnrolmentRefused);
        Assert.Contains("badly lit", title, StringComparison.Ordinal);
        Assert.Empty(Log("checkin.enrolled"));
        Assert.Equal(HttpStatusCode.Created, (await EnrolAsync(centre, "expert01", good)).StatusCode);
        Assert.Single(Log("checkin.enrolled"));
    }
}

/// <summary>The kiosk in kiosk mode: camera frames answering a drawn movement, never a file (issue 21).</summary>
public class KioskModeTests(PostgresServer pg) : CheckInTestBase(pg)
{
    private const string KioskPage = "/CheckIn/Kiosk?room=%E8%AF%84%E6%A0%87%E5%AE%A4%E4%B8%80&kiosk=true";

    private static async Task<JsonElement> DrawAsync(HttpClient c, string token)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Room"] = Room, ["Kiosk"] = "true" });
        var r = await c.PostAsync("/CheckIn/Kiosk?handler=Challenge", form);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The kiosk's device key, as the kiosk's browser would make it.</summary>
    private readonly System.Security.Cryptography.ECDsa _device = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

    private string Fingerprint => KioskDeviceService.FingerprintOf(_device.ExportSubjectPublicKeyInfo());

    private async Task<JsonElement> RequestDeviceAsync(HttpClient c, string token, byte[] spki)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Room"] = Room, ["Kiosk"] = "true", ["publicKey"] = Convert.ToBase64String(spki) });
        var r = await c.PostAsync("/CheckIn/Kiosk?handler=Device", form);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> AnswerAsync(HttpClient c, string token, string expert, string? challengeId, IEnumerable<byte[]> frames, byte[]? photo = null, bool sign = true, System.Security.Cryptography.ECDsa? key = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent(Room), "Room" }, { new StringContent("true"), "Kiosk" }, { new StringContent(expert), "expertNumber" } };
        if (challengeId is not null) form.Add(new StringContent(challengeId), "challengeId");
        form.Add(new StringContent(Fingerprint), "device");
        var list = frames.ToList();
        if (sign && challengeId is not null)
        {
            var message = KioskDeviceService.SignedMessage(Guid.Parse(challengeId), Room, CheckInVerifier.SequenceSha256(list));
            var signature = (key ?? _device).SignData(message, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            form.Add(new StringContent(Convert.ToBase64String(signature)), "signature");
        }
        frames = list;
        var i = 0;
        foreach (var f in frames)
        {
            var content = new ByteArrayContent(f);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(content, "frames", $"frame-{i++}.jpg");
        }
        if (photo is not null)
        {
            var content = new ByteArrayContent(photo);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(content, "photo", "print.jpg");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/CheckIn/Kiosk?handler=Attempt") { Content = form };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await c.SendAsync(request);
    }

    private static (List<byte[]> Frames, LivenessChallenge Turned) TurnOf()
    {
        using var models = FaceModels.Load();
        return RealTurn.Of(new FacePipeline(models));
    }

    [Fact]
    public async Task The_kiosk_has_no_file_input_refuses_a_file_and_admits_only_the_drawn_movement_performed()
    {
        SessionNow(Room, "expert01");
        var api = await App.ApiAsync("centre");
        Assert.Equal(HttpStatusCode.Created, (await EnrolAsync(api, "expert01", CheckInPhotos.Franck("02159"), CheckInPhotos.Franck("02683"))).StatusCode);
        var number = Expert("expert01").RegistrationNumber;
        var c = await Browser.SignInAsync(App, "centre");

        var html = await c.GetStringAsync(KioskPage);
        Assert.DoesNotContain("type=\"file\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"kiosk-challenge\"", html, StringComparison.Ordinal);
        var staffPage = await c.GetStringAsync("/CheckIn/Kiosk?room=%E8%AF%84%E6%A0%87%E5%AE%A4%E4%B8%80");
        Assert.Contains("type=\"file\"", staffPage, StringComparison.Ordinal);
        var token = await Browser.TokenAsync(c, KioskPage);

        // An unregistered device is refused with its rule, before its frames are read.
        var early = await DrawAsync(c, token);
        await (await AnswerAsync(c, token, number, early.GetProperty("id").GetString(), [RealTurn.Frame("01829")])).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.UnregisteredDevice);
        // It asks to be registered (a pending device is still refused), staff approve it on the devices page.
        var asked = await RequestDeviceAsync(c, token, _device.ExportSubjectPublicKeyInfo());
        Assert.Equal(Fingerprint, asked.GetProperty("fingerprint").GetString());
        Assert.False(asked.GetProperty("approved").GetBoolean());
        await (await AnswerAsync(c, token, number, early.GetProperty("id").GetString(), [RealTurn.Frame("01829")])).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.UnregisteredDevice);
        var deviceId = App.WithDb(db => db.Set<KioskDevice>().Single().Id);
        var approved = await Browser.PostFormAsync(c, "/CheckIn/Devices", "/CheckIn/Devices?handler=Approve", new Dictionary<string, string> { ["id"] = deviceId.ToString(), ["name"] = "评标室一 desk" });
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.True(App.WithDb(db => db.Set<KioskDevice>().Single().ApprovedAt) is not null);
        Assert.Contains(Fingerprint, Log("checkin.device.approved").Single().Data.GetRawText(), StringComparison.Ordinal);

        // A photo file in kiosk mode: refused with its rule, before anything is stored or logged.
        var challenge = await DrawAsync(c, token);
        await (await AnswerAsync(c, token, number, challenge.GetProperty("id").GetString(), [], CheckInPhotos.Franck("04117"))).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.FileInKiosk);
        await (await AnswerAsync(c, token, number, null, [])).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.ChallengeMissing);
        Assert.Empty(Log("checkin.attempt"));

        // Franck's real frames, frontal - turned - frontal, answer the direction he turned; the kiosk is told in words.
        var (frames, turned) = TurnOf();
        JsonElement drawn;
        do drawn = await DrawAsync(c, token); while (drawn.GetProperty("challenge").GetString() != turned.ToString());
        Assert.Matches("Turn your head|转头", drawn.GetProperty("text").GetString());
        await Task.Delay(1600);
        var ok = await AnswerAsync(c, token, number, drawn.GetProperty("id").GetString(), frames);
        var okBody = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(ok.StatusCode == HttpStatusCode.Created, okBody.GetRawText());
        Assert.True(okBody.GetProperty("admitted").GetBoolean(), okBody.GetRawText());
        var entry = Log("checkin.attempt").Last().Data;
        Assert.Equal(turned.ToString(), entry.GetProperty("challenge").GetString());
        Assert.Equal(8, entry.GetProperty("frames").GetInt32());
        Assert.Equal(CheckInVerifier.SequenceSha256(frames), entry.GetProperty("image").GetString());

        // Frames signed by another key (an injected request copying the device code) are refused.
        using (var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            var forged = await DrawAsync(c, token);
            await Task.Delay(1600);
            await (await AnswerAsync(c, token, number, forged.GetProperty("id").GetString(), frames, key: stranger)).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.DeviceSignatureInvalid);
        }

        // The same challenge cannot be answered twice.
        var again = await (await AnswerAsync(c, token, number, drawn.GetProperty("id").GetString(), frames)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(nameof(BiometricReason.ChallengeExpired), again.GetProperty("reason").GetString());

        // A still (the same frame eight times, as a print or a frozen screen gives) does not perform any movement.
        var still = await DrawAsync(c, token);
        await Task.Delay(1600);
        var stillBody = await (await AnswerAsync(c, token, number, still.GetProperty("id").GetString(), Enumerable.Repeat(frames[0], 8))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(stillBody.GetProperty("admitted").GetBoolean());
        Assert.Equal(nameof(BiometricReason.ChallengeNotPerformed), stillBody.GetProperty("reason").GetString());

        // The turn the other way does not answer, and an answer faster than filming allows is refused as expired.
        JsonElement other;
        do other = await DrawAsync(c, token); while (other.GetProperty("challenge").GetString() == turned.ToString());
        await Task.Delay(1600);
        var wrong = await (await AnswerAsync(c, token, number, other.GetProperty("id").GetString(), frames)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(nameof(BiometricReason.ChallengeNotPerformed), wrong.GetProperty("reason").GetString());
        var quick = await DrawAsync(c, token);
        var quickBody = await (await AnswerAsync(c, token, number, quick.GetProperty("id").GetString(), frames)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(nameof(BiometricReason.ChallengeExpired), quickBody.GetProperty("reason").GetString());

        // A revoked kiosk is refused again.
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(c, "/CheckIn/Devices", "/CheckIn/Devices?handler=Revoke", new Dictionary<string, string> { ["id"] = deviceId.ToString() })).StatusCode);
        var late = await DrawAsync(c, token);
        await (await AnswerAsync(c, token, number, late.GetProperty("id").GetString(), frames)).AssertRefused(HttpStatusCode.UnprocessableEntity, CheckInRules.UnregisteredDevice);
    }
}
