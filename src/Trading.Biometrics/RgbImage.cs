using SkiaSharp;

namespace Trading.Biometrics;

/// <summary>An 8-bit RGB image, rows top to bottom, 3 bytes per pixel, upright (EXIF orientation applied).</summary>
public sealed class RgbImage
{
    /// <summary>Wraps an existing RGB buffer of <paramref name="width"/> x <paramref name="height"/> x 3 bytes.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Interleaved R, G, B bytes.</summary>
    public byte[] Pixels { get; }
}

/// <summary>Limits applied while decoding untrusted uploads.</summary>
/// <param name="MaxBytes">Largest accepted file.</param>
/// <param name="MaxPixels">Largest accepted width x height before decoding (decompression-bomb guard).</param>
/// <param name="MaxWorkingSide">Frames whose longer side exceeds this are downscaled by area averaging.</param>
public sealed record ImageLimits(long MaxBytes = 25_000_000, long MaxPixels = 60_000_000, int MaxWorkingSide = 1280);

/// <summary>Decodes JPEG and PNG with SkiaSharp, applies EXIF orientation and downscales large frames.</summary>
public static class ImageDecoder
{
    /// <summary>Decodes <paramref name="data"/>; throws <see cref="BiometricException"/> for non-images and oversize files.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageLimits? limits = null)
    {
        limits ??= new ImageLimits();
        if (data.Length > limits.MaxBytes)
        {
            throw new BiometricException(BiometricReason.ImageTooLarge, $"{data.Length} bytes", $"{limits.MaxBytes} bytes");
        }

        using var skData = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(skData);
        if (codec is null || (codec.EncodedFormat != SKEncodedImageFormat.Jpeg && codec.EncodedFormat != SKEncodedImageFormat.Png))
        {
            throw new BiometricException(BiometricReason.NotAnImage);
        }

        var info = codec.Info;
        if ((long)info.Width * info.Height > limits.MaxPixels)
        {
            throw new BiometricException(BiometricReason.ImageTooLarge, $"{info.Width}x{info.Height} px", $"{limits.MaxPixels} px");
        }

        // JPEG can decode at 1/2, 1/4, 1/8 scale inside libjpeg (DCT scaling): far cheaper than decoding a 24 MP photo
        // in full and averaging it down, and still at least as large as the working size.
        var longSide = Math.Max(info.Width, info.Height);
        var decodeSize = info.Size;
        if (longSide > limits.MaxWorkingSide)
        {
            var scaled = codec.GetScaledDimensions((float)limits.MaxWorkingSide / longSide);
            if (Math.Max(scaled.Width, scaled.Height) >= limits.MaxWorkingSide)
            {
                decodeSize = scaled;
            }
        }

        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, bitmap.GetPixels());
        // A truncated file decodes to a picture whose missing rows are grey or stale: scoring it would judge a face
        // the camera never fully sent, so anything short of a clean decode is refused.
        if (result is SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput)
        {
            throw new BiometricException(BiometricReason.ImageDamaged);
        }

        if (result is not SKCodecResult.Success)
        {
            throw new BiometricException(BiometricReason.NotAnImage);
        }

        var rgb = ToRgb(bitmap, codec.EncodedOrigin);
        var working = Math.Max(rgb.Width, rgb.Height);
        if (working <= limits.MaxWorkingSide)
        {
            return rgb;
        }

        var f = (double)limits.MaxWorkingSide / working;
        return AreaResampler.Resize(rgb, Math.Max(1, (int)Math.Round(rgb.Width * f)), Math.Max(1, (int)Math.Round(rgb.Height * f)));
    }

    /// <summary>Reads a whole stream and decodes it.</summary>
    public static RgbImage Decode(Stream stream, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= new ImageLimits();
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            ms.Write(buffer, 0, n);
            if (ms.Length > limits.MaxBytes)
            {
                throw new BiometricException(BiometricReason.ImageTooLarge, $"more than {limits.MaxBytes} bytes", $"{limits.MaxBytes} bytes");
            }
        }

        return Decode(ms.GetBuffer().AsSpan(0, (int)ms.Length), limits);
    }

    private static RgbImage ToRgb(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        var w = bitmap.Width;
        var h = bitmap.Height;
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var outW = swap ? h : w;
        var outH = swap ? w : h;
        var src = bitmap.GetPixelSpan();
        var dst = new byte[outW * outH * 3];
        if (origin is SKEncodedOrigin.TopLeft)
        {
            for (int s = 0, d = 0; d < dst.Length; s += 4, d += 3)
            {
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }

            return new RgbImage(outW, outH, dst);
        }

        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                // Map stored (x, y) to the upright position; the eight EXIF cases are plain index arithmetic.
                var (ux, uy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (h - 1 - y, x),
                    SKEncodedOrigin.RightBottom => (h - 1 - y, w - 1 - x),
                    SKEncodedOrigin.LeftBottom => (y, w - 1 - x),
                    _ => (x, y),
                };
                var s = ((y * w) + x) * 4;
                var d = ((uy * outW) + ux) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }

        return new RgbImage(outW, outH, dst);
    }
}
