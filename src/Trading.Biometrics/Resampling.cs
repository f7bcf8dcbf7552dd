namespace Trading.Biometrics;

/// <summary>
/// Area-averaging resize (what OpenCV calls INTER_AREA). Written by hand because SkiaSharp offers nearest, linear,
/// mipmap and cubic sampling but no exact box-coverage filter, and mipmaps only halve: a 1280x720 frame to the
/// detector's 320x240 needs factors 4 and 3.
/// </summary>
internal static class AreaResampler
{
    public static RgbImage Resize(RgbImage src, int outW, int outH)
    {
        var dst = new byte[outW * outH * 3];
        ResizeInto(src, outW, outH, dst);
        return new RgbImage(outW, outH, dst);
    }

    /// <summary>Resizes into an interleaved RGB byte buffer of outW x outH x 3.</summary>
    public static void ResizeInto(RgbImage src, int outW, int outH, Span<byte> dst)
    {
        var xw = Weights(src.Width, outW);
        var yw = Weights(src.Height, outH);

        // Streams row by row: each output row accumulates the horizontal pass of the few source rows it covers, so
        // memory stays at two float rows instead of a float copy of the frame (which landed on the large object heap).
        var p = src.Pixels;
        var row = new float[outW * 3];
        var acc = new float[outW * 3];
        for (var oy = 0; oy < outH; oy++)
        {
            Array.Clear(acc);
            var (yStart, yWeights) = yw[oy];
            for (var k = 0; k < yWeights.Length; k++)
            {
                HorizontalPass(p, (yStart + k) * src.Width * 3, xw, row);
                var wgt = yWeights[k];
                for (var i = 0; i < acc.Length; i++)
                {
                    acc[i] += row[i] * wgt;
                }
            }

            var o = oy * outW * 3;
            for (var i = 0; i < acc.Length; i++)
            {
                dst[o + i] = (byte)Math.Clamp((int)(acc[i] + 0.5f), 0, 255);
            }
        }
    }

    private static void HorizontalPass(byte[] p, int rowBase, (int Start, float[] Weights)[] xw, float[] row)
    {
        for (var ox = 0; ox < xw.Length; ox++)
        {
            float r = 0, g = 0, b = 0;
            var (start, weights) = xw[ox];
            for (var k = 0; k < weights.Length; k++)
            {
                var i = rowBase + ((start + k) * 3);
                var wgt = weights[k];
                r += p[i] * wgt;
                g += p[i + 1] * wgt;
                b += p[i + 2] * wgt;
            }

            row[ox * 3] = r;
            row[(ox * 3) + 1] = g;
            row[(ox * 3) + 2] = b;
        }
    }

    /// <summary>For each output index, the first source index and the coverage weights (summing to 1).</summary>
    private static (int Start, float[] Weights)[] Weights(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var result = new (int, float[])[outSize];
        for (var o = 0; o < outSize; o++)
        {
            var a = o * scale;
            var b = Math.Min(inSize, (o + 1) * scale);
            var first = (int)Math.Floor(a);
            var last = Math.Min(inSize - 1, (int)Math.Ceiling(b) - 1);
            if (last < first)
            {
                last = first;
            }

            var w = new float[last - first + 1];
            var total = 0.0;
            for (var i = first; i <= last; i++)
            {
                var cover = Math.Min(b, i + 1) - Math.Max(a, i);
                w[i - first] = (float)Math.Max(cover, 0);
                total += w[i - first];
            }

            for (var i = 0; i < w.Length; i++)
            {
                w[i] = total > 0 ? (float)(w[i] / total) : 1f / w.Length;
            }

            result[o] = (first, w);
        }

        return result;
    }
}

/// <summary>
/// A 2x3 affine map from output pixel centres to source coordinates, sampled bilinearly with edge clamping.
/// Hand-written because every crop here (landmark box, liveness box, five-point alignment) is one such map over
/// the RGB buffer we already hold; a Skia canvas round trip per crop would copy the whole frame into a bitmap.
/// </summary>
internal readonly record struct Affine(double A, double B, double C, double D, double E, double F)
{
    /// <summary>Source = (A*x + B*y + C, D*x + E*y + F) for output pixel (x, y).</summary>
    public (double X, double Y) Map(double x, double y) => ((A * x) + (B * y) + C, (D * x) + (E * y) + F);

    /// <summary>Maps the output rectangle [0,outW)x[0,outH) onto the source rectangle (x, y, w, h), as a resize would.</summary>
    public static Affine CropResize(double x, double y, double w, double h, int outW, int outH)
    {
        var sx = w / outW;
        var sy = h / outH;
        // Pixel-centre convention of cv.resize: out centre (i + 0.5) maps to source (i + 0.5) * s - 0.5.
        return new Affine(sx, 0, x + (0.5 * sx) - 0.5, 0, sy, y + (0.5 * sy) - 0.5);
    }

    /// <summary>Samples the map into planar float channels (CHW), each value v mapped to (v - offset) * scale.</summary>
    public void SampleChw(RgbImage src, int outW, int outH, Span<float> dst, bool bgr, float offset, float scale)
    {
        var plane = outW * outH;
        var p = src.Pixels;
        var maxX = src.Width - 1;
        var maxY = src.Height - 1;
        var (c0, c2) = bgr ? (2, 0) : (0, 2);
        for (var y = 0; y < outH; y++)
        {
            for (var x = 0; x < outW; x++)
            {
                var (fx, fy) = Map(x, y);
                fx = Math.Clamp(fx, 0, maxX);
                fy = Math.Clamp(fy, 0, maxY);
                var x0 = (int)fx;
                var y0 = (int)fy;
                var x1 = Math.Min(x0 + 1, maxX);
                var y1 = Math.Min(y0 + 1, maxY);
                var ax = (float)(fx - x0);
                var ay = (float)(fy - y0);
                var i00 = ((y0 * src.Width) + x0) * 3;
                var i01 = ((y0 * src.Width) + x1) * 3;
                var i10 = ((y1 * src.Width) + x0) * 3;
                var i11 = ((y1 * src.Width) + x1) * 3;
                var o = (y * outW) + x;
                for (var c = 0; c < 3; c++)
                {
                    var top = p[i00 + c] + ((p[i01 + c] - p[i00 + c]) * ax);
                    var bottom = p[i10 + c] + ((p[i11 + c] - p[i10 + c]) * ax);
                    var v = top + ((bottom - top) * ay);
                    var channel = c == 0 ? c0 : c == 2 ? c2 : 1;
                    dst[(channel * plane) + o] = (v - offset) * scale;
                }
            }
        }
    }

    /// <summary>Samples the map into one grey plane with luma weights (ITU-R BT.601), optionally with R and B swapped.</summary>
    public void SampleGrey(RgbImage src, int outW, int outH, Span<float> dst, bool bgr, float scale)
    {
        var (wr, wb) = bgr ? (0.114f, 0.299f) : (0.299f, 0.114f);
        var p = src.Pixels;
        var maxX = src.Width - 1;
        var maxY = src.Height - 1;
        for (var y = 0; y < outH; y++)
        {
            for (var x = 0; x < outW; x++)
            {
                var (fx, fy) = Map(x, y);
                fx = Math.Clamp(fx, 0, maxX);
                fy = Math.Clamp(fy, 0, maxY);
                var x0 = (int)fx;
                var y0 = (int)fy;
                var x1 = Math.Min(x0 + 1, maxX);
                var y1 = Math.Min(y0 + 1, maxY);
                var ax = (float)(fx - x0);
                var ay = (float)(fy - y0);
                float Grey(int px, int py)
                {
                    var i = ((py * src.Width) + px) * 3;
                    return (p[i] * wr) + (p[i + 1] * 0.587f) + (p[i + 2] * wb);
                }

                var top = Grey(x0, y0) + ((Grey(x1, y0) - Grey(x0, y0)) * ax);
                var bottom = Grey(x0, y1) + ((Grey(x1, y1) - Grey(x0, y1)) * ax);
                // cv.cvtColor rounds grey to a byte before the model's /256.
                dst[(y * outW) + x] = MathF.Round(top + ((bottom - top) * ay)) * scale;
            }
        }
    }
}
