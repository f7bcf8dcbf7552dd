using System.Text;

namespace Trading.PublicLog.Tests;

/// <summary>
/// <see cref="LogEntry.Validate"/> checks entries in the canonical-form pass (no document tree); it must refuse exactly
/// what <see cref="LogEntry.Parse"/> refuses, with the same code and field, or a verifier and the server would disagree.
/// </summary>
public sealed class EntryValidateTests
{
    private const string Good = "{\"data\":{\"a\":[1,{\"b\":\"c\"}],\"x\":\"中文\"},\"tender\":\"T-1\",\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"bid.submitted\",\"v\":1}";

    public static TheoryData<string> Fixed() =>
    [
        Good,
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "{\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-03-01 00:30\",\"type\":\"a.b\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-13-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"ab\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b.\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.B\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\\n\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a-1.b-2.c\",\"v\":7}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":0}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":\"1\"}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":99999999999}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\"}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":1,\"v\":1}",
        "{\"data\":{},\"time\":1,\"type\":\"a.b\",\"v\":1}",
        "{\"data\":[],\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "{\"data\":{},\"tender\":5,\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "{\"data\":{},\"extra\":1,\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1,\"zzz\":{\"type\":1}}",
        "{\"data\":{\"type\":5,\"v\":\"x\"},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "{\"time\":\"2026-03-01T00:30:00.123Z\",\"data\":{},\"type\":\"a.b\",\"v\":1}",
        "{\"data\":{}, \"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}",
        "[1,2]",
        "\"a.b\"",
        "{}",
        "",
        "{\"data\":{},\"time\":\"2026-03-01T00:30:00.123Z\",\"type\":\"a.b\",\"v\":1}x",
    ];

    [Theory]
    [MemberData(nameof(Fixed))]
    public void Validate_refuses_what_parse_refuses_with_the_same_code_and_field(string json) => AssertSame(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Validate_agrees_with_parse_on_random_single_byte_changes()
    {
        var good = Encoding.UTF8.GetBytes(Good);
        var rng = new Random(4);
        for (var n = 0; n < 20_000; n++)
        {
            var b = (byte[])good.Clone();
            var changes = 1 + rng.Next(2);
            for (var k = 0; k < changes; k++)
                b[rng.Next(b.Length)] = (byte)Alphabet[rng.Next(Alphabet.Length)];
            AssertSame(b);
        }
    }

    /// <summary>Times at the edges of the calendar and the clock: Validate reads them by hand, Parse with the culture's parser.</summary>
    public static TheoryData<string> Times() =>
    [
        "2024-02-29T00:00:00.000Z", "2023-02-29T00:00:00.000Z", "2000-02-29T12:00:00.000Z", "1900-02-29T12:00:00.000Z",
        "2026-04-30T23:59:59.999Z", "2026-04-31T00:00:00.000Z", "2026-12-31T23:59:59.999Z", "2026-00-10T00:00:00.000Z",
        "2026-01-00T00:00:00.000Z", "2026-01-32T00:00:00.000Z", "2026-01-01T24:00:00.000Z", "2026-01-01T23:60:00.000Z",
        "2026-01-01T23:59:60.000Z", "0000-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
        "2026-1-01T00:00:00.0000Z", "2026-01-01T00:00:00.00aZ", "2026-01-01t00:00:00.000Z", "2026-01-01T00:00:00.000z",
        "2026-01-01T00:00:00,000Z", "+026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000+", " 026-01-01T00:00:00.000Z",
        "2026-01-01T00:0 :00.000Z", "2026/01/01T00:00:00.000Z", "2026-01-01T00:00:00.000", "2026-01-01T00:00:00Z",
        "２026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.-00Z",
    ];

    [Theory]
    [MemberData(nameof(Times))]
    public void Validate_and_parse_agree_on_times_at_the_calendar_edges(string time) =>
        AssertSame(Encoding.UTF8.GetBytes("{\"data\":{},\"time\":\"" + time + "\",\"type\":\"a.b\",\"v\":1}"));

    private const string Alphabet = "{}[]\":,.0123456789-abtvxzT Z\\\n";

    private static void AssertSame(byte[] bytes)
    {
        var parse = Record.Exception(() => LogEntry.Parse(bytes)) as PublicLogException;
        var validate = Record.Exception(() => LogEntry.Validate(bytes)) as PublicLogException;
        var text = Encoding.UTF8.GetString(bytes);
        Assert.True((parse is null) == (validate is null), $"{text}: parse {parse?.Code ?? "ok"}, validate {validate?.Code ?? "ok"}");
        if (parse is null) return;
        Assert.Equal(parse.Code, validate!.Code);
        Assert.Equal(parse.Arguments.GetValueOrDefault("field"), validate.Arguments.GetValueOrDefault("field"));
    }
}
