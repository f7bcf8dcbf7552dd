using System.Text;
using System.Text.Json.Nodes;

namespace Trading.PublicLog.Tests;

public sealed class CanonicalJsonTests
{
    private static string Canon(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Keys_are_sorted_by_utf16_code_units_and_whitespace_removed()
    {
        Assert.Equal("{\"A\":1,\"a\":[true,false,null],\"b\":{\"x\":\"y\",\"z\":-5}}", Canon(" { \"b\" : {\"z\":-5, \"x\":\"y\"}, \"a\":[true, false,null], \"A\":1 }"));
        // U+20AC (euro) sorts before U+1F600 (a surrogate pair, 0xD83D) by UTF-16 code units.
        Assert.Equal("{\"€\":1,\"😀\":2}", Canon("{\"😀\":2,\"€\":1}"));
    }

    [Fact]
    public void Strings_escape_only_quote_backslash_and_controls_and_keep_chinese_raw()
    {
        Assert.Equal("\"招标\\\"\\\\\\n\\u0001/<>&\"", Canon("\"\\u62db\\u6807\\\"\\\\\\n\\u0001\\/<>&\""));
    }

    [Fact]
    public void Numbers_must_be_integers_and_print_plainly()
    {
        Assert.Equal("[0,-12,9223372036854775807]", Canon("[-0, -12, 9223372036854775807]"));
        Assert.Equal("json.non-integer-number", Assert.Throws<LogFormatException>(() => Canon("[1.5]")).Code);
        Assert.Equal("json.non-integer-number", Assert.Throws<LogFormatException>(() => Canon("[1e400]")).Code);
        Assert.Equal("json.non-integer-number", Assert.Throws<LogFormatException>(() => Canon("[9223372036854775808]")).Code);
    }

    [Fact]
    public void Duplicate_keys_lone_surrogates_and_bad_syntax_are_refused()
    {
        Assert.Equal("json.duplicate-key", Assert.Throws<LogFormatException>(() => Canon("{\"a\":1,\"a\":2}")).Code);
        Assert.Equal("json.lone-surrogate", Assert.Throws<LogFormatException>(() => Canon("\"\\ud800\"")).Code);
        Assert.Equal("json.invalid", Assert.Throws<LogFormatException>(() => Canon("{\"a\":1,}")).Code);
        Assert.Equal("json.invalid", Assert.Throws<LogFormatException>(() => Canon("{\"a\":1} x")).Code);
    }

    [Fact]
    public void Canonical_bytes_are_a_fixed_point_and_anything_else_is_not_canonical()
    {
        var canon = CanonicalJson.Canonicalize("{\"b\":1,\"a\":2}"u8);
        CanonicalJson.RequireCanonical(canon);
        Assert.Equal("json.not-canonical", Assert.Throws<LogFormatException>(() => CanonicalJson.RequireCanonical("{\"b\":1,\"a\":2}"u8)).Code);
        Assert.Equal("json.not-canonical", Assert.Throws<LogFormatException>(() => CanonicalJson.RequireCanonical("{\"a\":2} "u8)).Code);
    }

    [Fact]
    public void Log_entries_round_trip_and_bind_type_version_time_and_tender()
    {
        var time = new DateTimeOffset(2026, 3, 1, 8, 30, 0, 123, TimeSpan.FromHours(8));
        var entry = new LogEntry(LogEntryTypes.TenderPublished, 1, time, "T-2026-001", new JsonObject { ["title"] = "道路工程", ["lots"] = 2 });
        var bytes = entry.ToCanonicalBytes();
        Assert.Equal("{\"data\":{\"lots\":2,\"title\":\"道路工程\"},\"tender\":\"T-2026-001\",\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"tender.published\",\"v\":1}", Encoding.UTF8.GetString(bytes));
        var back = LogEntry.Parse(bytes);
        Assert.Equal(entry.Type, back.Type);
        Assert.Equal(time, back.Time);
        Assert.Equal("T-2026-001", back.Tender);
        Assert.Equal(bytes, back.ToCanonicalBytes());
    }

    [Fact]
    public void Bad_entries_are_refused_with_the_field_named()
    {
        Assert.Equal("entry.missing-field", Assert.Throws<LogFormatException>(() => LogEntry.Parse("{\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}"u8)).Code);
        var e = Assert.Throws<LogFormatException>(() => LogEntry.Parse("{\"data\":{},\"time\":\"2026-03-01 00:30\",\"type\":\"a.b\",\"v\":1}"u8));
        Assert.Equal("time", e.Arguments["field"]);
        Assert.Equal("type", Assert.Throws<LogFormatException>(() => new LogEntry("Bad Type", 1, DateTimeOffset.UnixEpoch, null, []).ToCanonicalBytes()).Arguments["field"]);
        Assert.Equal("v", Assert.Throws<LogFormatException>(() => new LogEntry("a.b", 0, DateTimeOffset.UnixEpoch, null, []).ToCanonicalBytes()).Arguments["field"]);
        Assert.Equal("json.non-integer-number", Assert.Throws<LogFormatException>(() => new LogEntry("a.b", 1, DateTimeOffset.UnixEpoch, null, new JsonObject { ["price"] = 1.5 }).ToCanonicalBytes()).Code);
        Assert.Equal("entry.bad-field", Assert.Throws<LogFormatException>(() => LogEntry.Parse("{\"data\":{},\"extra\":1,\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}"u8)).Code);
    }

    [Fact]
    public void Pseudonyms_are_stable_per_key_and_kind_and_differ_across_keys()
    {
        var key1 = Pseudonymizer.GenerateKey();
        var key2 = Pseudonymizer.GenerateKey();
        var p1 = new Pseudonymizer(key1);
        var a = p1.Pseudonym("firm", "91350100MA2XXXXX1X");
        Assert.Equal(a, new Pseudonymizer(key1).Pseudonym("firm", "91350100MA2XXXXX1X"));
        Assert.StartsWith("firm:", a, StringComparison.Ordinal);
        Assert.Equal(5 + 32, a.Length);
        Assert.NotEqual(a, new Pseudonymizer(key2).Pseudonym("firm", "91350100MA2XXXXX1X"));
        Assert.NotEqual(a[5..], p1.Pseudonym("person", "91350100MA2XXXXX1X")[7..]);
        Assert.DoesNotContain("91350100", a, StringComparison.Ordinal);
        // NFC: a precomposed and a decomposed "é" are the same name.
        Assert.Equal(p1.Pseudonym("person", "Ren\u00e9"), p1.Pseudonym("person", "Rene\u0301"));
        Assert.Equal("pseudonym.key-too-short", Assert.Throws<LogFormatException>(() => new Pseudonymizer(new byte[16])).Code);
    }
}

public sealed class CanonicalCheckTests
{
    private static bool Oracle(byte[] bytes)
    {
        try
        {
            return bytes.AsSpan().SequenceEqual(CanonicalJson.Canonicalize(bytes));
        }
        catch (LogFormatException)
        {
            return false;
        }
    }

    public static TheoryData<string> Cases() =>
    [
        "{}", "[]", "0", "-0", "01", "-12", "1.0", "1e2", "9223372036854775807", "9223372036854775808", "true", " true", "true ",
        "\"a\"", "\"\\/\"", "\"\\u0001\"", "\"\\u001F\"", "\"\\u001f\"", "\"\\u000a\"", "\"\\n\"", "\"\\u00e9\"", "\"é\"", "\"\\ud83d\\ude00\"", "\"😀\"",
        "{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", "{\"a\":1,\"a\":1}", "{\"a\" :1}", "{\"a\":1}\n", "[1,2,[3,{\"x\":null}]]", "[1, 2]",
        "{\"€\":1,\"😀\":2}", "{\"😀\":2,\"€\":1}", "{\"\\n\":1,\"a\":2}", "{\"a\":2,\"\\n\":1}", "{\"\\u0001\":1,\"\\u0002\":2}",
        "{\"a\":{\"b\":1,\"a\":2}}", "{\"a\":{\"a\":2,\"b\":1},\"b\":0}", "{\"\":0,\"a\":1}", "\"\\\"\\\\\"", "[\"\\t\",\"\\u0009\"]",
        "{\"a\":1}x", "{\"a\":1,}", "", "\uFEFF{}", "[\"\u007f\"]",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fast_check_agrees_with_reserialising(string json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        Assert.Equal(Oracle(bytes), CanonicalJson.IsCanonical(bytes));
    }

    [Fact]
    public void Fast_check_agrees_on_random_documents_and_their_mutations()
    {
        var random = new Random(20260301);
        string[] keys = ["a", "b", "B", "é", "€", "😀", "\n", "\"", "", "ab", "a b"];
        string Value(int depth)
        {
            int kind = random.Next(depth > 3 ? 4 : 6);
            return kind switch
            {
                0 => random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                1 => System.Text.Json.JsonSerializer.Serialize(keys[random.Next(keys.Length)] + (char)random.Next(0, 40)),
                2 => random.Next(2) == 0 ? "true" : "null",
                3 => "\"x\"",
                4 => "[" + string.Join(",", Enumerable.Range(0, random.Next(3)).Select(_ => Value(depth + 1))) + "]",
                _ => "{" + string.Join(",", keys.OrderBy(_ => random.Next()).Take(random.Next(4)).Select(k => System.Text.Json.JsonSerializer.Serialize(k) + ":" + Value(depth + 1))) + "}",
            };
        }
        int canonicalSeen = 0;
        for (int n = 0; n < 1500; n++)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(Value(0));
            var variants = new List<byte[]> { bytes };
            if (Oracle(bytes) is false)
            {
                try
                {
                    variants.Add(CanonicalJson.Canonicalize(bytes));
                }
                catch (LogFormatException)
                {
                }
            }
            var mutated = (byte[])bytes.Clone();
            if (mutated.Length > 0)
            {
                const string alphabet = "{}[],:\"\\ 0-1aé";
                mutated[random.Next(mutated.Length)] = (byte)alphabet[random.Next(alphabet.Length)];
                variants.Add(mutated);
            }
            foreach (var v in variants)
            {
                bool expected = Oracle(v);
                canonicalSeen += expected ? 1 : 0;
                Assert.True(expected == CanonicalJson.IsCanonical(v), System.Text.Encoding.UTF8.GetString(v));
            }
        }
        Assert.True(canonicalSeen > 500, $"only {canonicalSeen} canonical samples");
    }
}
