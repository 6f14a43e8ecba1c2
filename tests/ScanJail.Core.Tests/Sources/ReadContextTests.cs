using System.Text;
using System.Text.Unicode;
using System.Threading.Channels;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// A line handed to a sink is decoded and checked in one pass (<see cref="ReadContext.Decode(ReadOnlySpan{byte}, out bool)"/>):
/// the characters must be what the channel path's string is (invalid bytes replaced) and the check what
/// <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> says, for any bytes, one line after another in the same buffer.
/// </summary>
public sealed class ReadContextTests
{
    // Bytes near UTF-8's edges: ASCII, lead bytes of 2-4 byte sequences, continuation bytes, invalid ones, a CR.
    private static readonly byte[] Edges = [(byte)'a', (byte)' ', (byte)'\r', 0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF];

    [Fact]
    public void Decoding_gives_the_string_of_the_channel_path_and_says_whether_the_line_was_valid()
    {
        var context = new ReadContext(Channel.CreateUnbounded<LogLine>().Writer, new SourceCounters(), TimeProvider.System, 8192);
        var valid = Gen.Elements("héllo", "sshd[1]: Failed password for ü from 198.18.0.1 port 22 ssh2", "\u20ac\U0001F600", "")
            .Select(text => Encoding.UTF8.GetBytes(text));
        var near = Gen.Elements(Edges).ArrayOf();
        var lines = Gen.OneOf(valid, near, ArbMap.Default.GeneratorFor<byte[]>(), Gen.Choose(0, 3000).Select(n => Enumerable.Repeat((byte)'x', n).ToArray())).ListOf();
        var invalid = 0;
        Prop.ForAll(lines.ToArbitrary(), batch => batch.All(bytes =>
        {
            var chars = context.Decode(bytes, out var isValid);
            invalid += isValid ? 0 : 1;
            return isValid == Utf8.IsValid(bytes) && chars.SequenceEqual(FileReader.Decoder.GetString(bytes));
        })).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
        Assert.True(invalid > 100, $"only {invalid} invalid lines were tried");
    }
}
