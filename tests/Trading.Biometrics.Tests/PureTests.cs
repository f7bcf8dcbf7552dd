using System.Security.Cryptography;

namespace Trading.Biometrics.Tests;

public sealed class TemplateTests
{
    private static FaceTemplate RandomTemplate(int seed)
    {
        var rng = new Random(seed);
        return new FaceTemplate(Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), 2);
    }

    [Fact]
    public void Template_bytes_round_trip()
    {
        var t = RandomTemplate(1);
        var bytes = t.ToBytes();
        Assert.Equal(FaceTemplate.ByteLength, bytes.Length);
        var back = FaceTemplate.FromBytes(bytes);
        Assert.Equal(2, back.PhotoCount);
        Assert.Equal(1f, back.Similarity(t.Embedding), 5);
        Assert.True(RandomTemplate(2).Similarity(t.Embedding) < 0.3f);
    }

    [Fact]
    public void Malformed_templates_are_refused_with_the_reason()
    {
        var bytes = RandomTemplate(1).ToBytes();
        Assert.Equal(BiometricReason.TemplateInvalid, Assert.Throws<BiometricException>(() => FaceTemplate.FromBytes(bytes.AsSpan(1))).Reason);
        var badMagic = (byte[])bytes.Clone();
        badMagic[0] = (byte)'X';
        Assert.Equal(BiometricReason.TemplateInvalid, Assert.Throws<BiometricException>(() => FaceTemplate.FromBytes(badMagic)).Reason);
        var otherModel = (byte[])bytes.Clone();
        otherModel[7] ^= 0xFF;
        Assert.Equal(BiometricReason.TemplateModelMismatch, Assert.Throws<BiometricException>(() => FaceTemplate.FromBytes(otherModel)).Reason);
        var nan = (byte[])bytes.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(nan, 14);
        Assert.Equal(BiometricReason.TemplateInvalid, Assert.Throws<BiometricException>(() => FaceTemplate.FromBytes(nan)).Reason);
    }

    [Fact]
    public void Sealed_templates_open_only_with_the_same_key_and_expert()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var plain = RandomTemplate(3).ToBytes();
        var sealedA = TemplateSealer.Seal(key, "expert-17", plain);
        var sealedB = TemplateSealer.Seal(key, "expert-17", plain);
        Assert.NotEqual(sealedA, sealedB);
        Assert.Equal(plain, TemplateSealer.Open(key, "expert-17", sealedA));
        Assert.Equal(-1, sealedA.AsSpan().IndexOf(plain.AsSpan(14, 64)));

        Assert.Equal(BiometricReason.TemplateSealBroken, Assert.Throws<BiometricException>(() => TemplateSealer.Open(key, "expert-18", sealedA)).Reason);
        Assert.Equal(BiometricReason.TemplateSealBroken, Assert.Throws<BiometricException>(() => TemplateSealer.Open(RandomNumberGenerator.GetBytes(32), "expert-17", sealedA)).Reason);
        var flipped = (byte[])sealedA.Clone();
        flipped[^5] ^= 0x10;
        Assert.Equal(BiometricReason.TemplateSealBroken, Assert.Throws<BiometricException>(() => TemplateSealer.Open(key, "expert-17", flipped)).Reason);
        Assert.Equal(BiometricReason.TemplateSealBroken, Assert.Throws<BiometricException>(() => TemplateSealer.Open(key, "expert-17", sealedA.AsSpan(0, 20))).Reason);
        Assert.Throws<ArgumentException>(() => TemplateSealer.Seal(new byte[16], "expert-17", plain));
    }
}

public sealed class EligibilityTests
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly DrawnSeat[] Seats =
    [
        new("e1", "s1", "room-3", Nine.AddMinutes(-30), Nine.AddMinutes(30)),
        new("e2", "s1", "room-3", Nine.AddHours(2), Nine.AddHours(3)),
        new("e3", "s0", "room-1", Nine.AddDays(-1), Nine.AddDays(-1).AddHours(1)),
    ];

    [Fact]
    public void A_drawn_expert_in_the_right_room_inside_the_window_may_check_in()
    {
        var r = CheckInEligibility.Check(Seats, "e1", "room-3", Nine);
        Assert.True(r.Eligible);
        Assert.Equal("s1", r.Seat!.SessionId);
    }

    [Fact]
    public void An_expert_not_drawn_today_is_refused()
    {
        Assert.Equal(BiometricReason.NotDrawnToday, CheckInEligibility.Check(Seats, "e3", "room-1", Nine).Reason);
        Assert.Equal(BiometricReason.NotDrawnToday, CheckInEligibility.Check(Seats, "nobody", "room-3", Nine).Reason);
    }

    [Fact]
    public void A_drawn_expert_in_the_wrong_room_is_told_the_right_one()
    {
        var r = CheckInEligibility.Check(Seats, "e1", "room-2", Nine);
        Assert.Equal(BiometricReason.WrongRoom, r.Reason);
        Assert.Equal("room-3", r.Arguments[0]);
    }

    [Fact]
    public void A_drawn_expert_outside_the_window_is_told_the_window()
    {
        var r = CheckInEligibility.Check(Seats, "e2", "room-3", Nine);
        Assert.Equal(BiometricReason.OutsideWindow, r.Reason);
        Assert.Equal("11:00", r.Arguments[0]);
        Assert.False(CheckInEligibility.Check(Seats, "e1", "room-3", Nine.AddMinutes(31)).Eligible);
    }
}

public sealed class MessageTests
{
    [Fact]
    public void Every_reason_has_a_distinct_key_and_english_and_chinese_text()
    {
        var reasons = Enum.GetValues<BiometricReason>();
        Assert.Equal(reasons.Length, reasons.Select(BiometricMessages.Key).Distinct().Count());
        foreach (var r in reasons)
        {
            var args = new object?[] { "a", "b", "c" };
            var en = BiometricMessages.Format(r, "en", args);
            var zh = BiometricMessages.Format(r, "zh-CN", args);
            Assert.NotEqual(en, zh);
            Assert.Contains(zh, c => c >= '\u4e00' && c <= '\u9fff');
        }
    }
}

public sealed class MathTests
{
    private static readonly (double X, double Y)[] Reference =
    [
        (38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041),
    ];

    [Fact]
    public void The_similarity_fit_recovers_a_known_transform()
    {
        // Points in the frame = reference scaled 2.5x, rotated 20 degrees and shifted; the fitted sampling map must
        // take each reference point back onto its frame point.
        var (s, th, tx, ty) = (2.5, 20 * Math.PI / 180, 300.0, 120.0);
        var frame = Reference.Select(p => ((float)((s * ((Math.Cos(th) * p.X) - (Math.Sin(th) * p.Y))) + tx), (float)((s * ((Math.Sin(th) * p.X) + (Math.Cos(th) * p.Y))) + ty))).ToArray();
        var map = FacePipeline.SimilarityToReference(frame);
        for (var i = 0; i < 5; i++)
        {
            var (x, y) = map.Map(Reference[i].X, Reference[i].Y);
            Assert.Equal(frame[i].Item1, x, 2);
            Assert.Equal(frame[i].Item2, y, 2);
        }
    }

    [Fact]
    public void Area_resampling_averages_blocks()
    {
        // 4x2 image with distinct pixels; 2x1 output pixels are the means of 2x2 blocks.
        var px = new byte[4 * 2 * 3];
        for (var i = 0; i < 8; i++)
        {
            px[i * 3] = (byte)(i * 10);
            px[(i * 3) + 1] = (byte)(100 + i);
            px[(i * 3) + 2] = 7;
        }

        var r = AreaResampler.Resize(new RgbImage(4, 2, px), 2, 1);
        Assert.Equal(new byte[] { 25, 103, 7, 45, 105, 7 }, r.Pixels);
    }

    [Fact]
    public void Auc_and_zero_false_accept_threshold_agree_with_brute_force()
    {
        var rng = new Random(5);
        var g = Enumerable.Range(0, 200).Select(_ => (float)Math.Round(rng.NextDouble() * 0.6 + 0.4, 2)).ToArray();
        var im = Enumerable.Range(0, 300).Select(_ => (float)Math.Round(rng.NextDouble() * 0.6, 2)).ToArray();
        double wins = 0;
        foreach (var a in g)
        {
            foreach (var b in im)
            {
                wins += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }

        Assert.Equal(wins / (g.Length * im.Length), ThresholdCalibration.Auc(g, im), 9);
        var (t, frr, rejects) = ThresholdCalibration.ZeroFalseAccept(g, im);
        Assert.True(t > im.Max());
        Assert.True(t <= im.Max() + 0.0100001f);
        Assert.Equal(g.Count(x => x < t), rejects);
        Assert.Equal((double)rejects / g.Length, frr);
    }
}
