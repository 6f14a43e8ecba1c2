using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Actions.Netlink;

namespace ScanJail.Core.Tests.Actions.Netlink;

/// <summary>
/// The bytes of an nf_tables batch, read back by a walker written from the netlink rules (nlmsghdr, nfgenmsg,
/// 4-aligned attributes, nested lists): for any elements, the messages chain to the buffer's end, and each
/// element comes back with its key and its timeout in network order.
/// </summary>
public sealed class NfTablesBatchTests
{
    private const ushort Nested = 0x8000;

    [Fact]
    public void Any_elements_come_back_from_the_bytes_in_order_with_their_keys_and_timeouts()
    {
        var element = Gen.Zip(Gen.Elements(4, 16).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n)),
            Gen.OneOf(Gen.Constant<ulong?>(null), Gen.Choose(1, int.MaxValue).Select(t => (ulong?)t * 1000)));
        Prop.ForAll(Gen.NonEmptyListOf(element).ToArbitrary(), ArbMap.Default.ArbFor<bool>(), (elements, delete) =>
        {
            var list = elements.Select(e => (e.Item1, e.Item2)).ToList();
            var batch = new NfTablesBatch();
            batch.Begin(100);
            batch.SetElements(delete, 1, "sj-ssh", "addr-inet4", list, 101);
            batch.End(102);

            var messages = Messages(batch.Bytes.ToArray()).ToList();
            Assert.Equal([(ushort)0x10, (ushort)((10 << 8) | (delete ? 14 : 12)), (ushort)0x11], messages.Select(m => m.Type));
            Assert.Equal([100u, 101u, 102u], messages.Select(m => m.Sequence));
            Assert.Equal([101u], batch.Acknowledged);
            var body = messages[1].Body;
            Assert.Equal(1, body[0]); // nfgenmsg family: inet
            var attributes = Attributes(body[4..]).ToList();
            Assert.Equal("sj-ssh\0", System.Text.Encoding.UTF8.GetString(attributes.Single(a => a.Type == 1).Value));
            Assert.Equal("addr-inet4\0", System.Text.Encoding.UTF8.GetString(attributes.Single(a => a.Type == 2).Value));
            var read = Attributes(attributes.Single(a => a.Type == (3 | Nested)).Value).Select(listElem =>
            {
                Assert.Equal(1 | Nested, listElem.Type);
                var inner = Attributes(listElem.Value).ToList();
                var key = Attributes(inner.Single(a => a.Type == (1 | Nested)).Value).Single();
                Assert.Equal(1, key.Type); // NFTA_DATA_VALUE
                var timeout = inner.Where(a => a.Type == 4).Select(a => (ulong?)BinaryPrimitives.ReadUInt64BigEndian(a.Value)).SingleOrDefault();
                return (key.Value, timeout);
            }).ToList();
            Assert.Equal(list.Count, read.Count);
            Assert.All(list.Zip(read), p => Assert.True(p.First.Item1.SequenceEqual(p.Second.Value) && p.First.Item2 == p.Second.timeout));
        }).QuickCheckThrowOnFailure();
    }

    private static IEnumerable<(ushort Type, uint Sequence, byte[] Body)> Messages(byte[] bytes)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            Assert.True(length >= 20 && length % 4 == 0 && at + length <= bytes.Length, $"message at {at}: length {length}");
            yield return (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 4)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)), bytes[(at + 16)..(at + length)]);
            at += length;
        }
        Assert.Equal(bytes.Length, at);
    }

    private static IEnumerable<(int Type, byte[] Value)> Attributes(byte[] bytes)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
            Assert.True(length >= 4 && at + length <= bytes.Length, $"attribute at {at}: length {length}");
            yield return (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 2)), bytes[(at + 4)..(at + length)]);
            at += (length + 3) & ~3;
        }
        Assert.Equal(bytes.Length, at);
    }
}
