using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Control;

namespace ScanJail.Core.Tests.Control;

public class PooledSegmentsTests
{
    [Fact]
    public void Any_writes_read_back_in_order_as_an_array_writer_has_them()
    {
        // Each write: how many bytes, and the size asked for first (0 = any); up to 300 KB, so several pieces.
        var writes = Gen.Choose(0, 20_000).Zip(Gen.Elements(0, 1, 7, 70_000)).ListOf().Select(l => l.ToArray());
        Prop.ForAll(writes.ToArbitrary(), all =>
        {
            using var pieces = new PooledSegments();
            var expected = new ArrayBufferWriter<byte>();
            var value = (byte)0;
            foreach (var (count, hint) in all)
            {
                var span = pieces.GetSpan(hint);
                var wanted = Math.Min(count, span.Length);
                for (var i = 0; i < wanted; i++)
                {
                    span[i] = value++;
                }
                expected.Write(span[..wanted]);
                pieces.Advance(wanted);
            }
            Assert.Equal(expected.WrittenCount, pieces.Length);
            Assert.Equal(expected.WrittenSpan.ToArray(), pieces.ToArray());
            Assert.All(pieces.Pieces, p => Assert.False(p.IsEmpty));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_span_is_at_least_the_size_asked_for()
    {
        using var pieces = new PooledSegments();
        pieces.Advance(pieces.GetSpan(PooledSegments.PieceSize - 3).Length - 3);
        Assert.True(pieces.GetSpan(10).Length >= 10);
        Assert.True(pieces.GetSpan(200_000).Length >= 200_000);
    }

    [Fact]
    public void Advancing_past_the_span_is_refused()
    {
        using var pieces = new PooledSegments();
        var length = pieces.GetSpan(1).Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => pieces.Advance(length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pieces.Advance(-1));
    }

    [Fact]
    public void A_large_text_answer_in_pieces_is_the_same_line()
    {
        var addresses = Enumerable.Range(0, 100_000).Select(i => $"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}").ToArray();
        var response = new ControlResponse(true) { Payload = new TextResult(text =>
        {
            // As the jail's status writes them: one address at a time.
            foreach (var address in addresses)
            {
                text.Write(address);
                text.Write(' ');
            }
        }) };
        var whole = new ArrayBufferWriter<byte>();
        ControlProtocol.WriteLine(response, whole);
        using var pieces = new PooledSegments();
        ControlProtocol.WriteLine(response, pieces);

        Assert.True(pieces.Pieces.Count() > 10);
        Assert.Equal(whole.WrittenSpan.ToArray(), pieces.ToArray());
    }
}
