using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Core.Jails;
using ScanJail.Core.Persistence;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Bans;

/// <summary>
/// The ban book keys its active bans by <see cref="AddressKey"/> (a value) instead of the IPAddress object: over
/// random bans, unbans and expiries it must answer IsBanned, Ban and Unban as a book keyed by IPAddress would
/// (a model here), for the addresses an IPAddress keeps apart (an IPv4 address and its IPv6-mapped form, IPv6
/// addresses differing only in their scope) and with a jail's banprefix.
/// </summary>
public sealed class BanBookKeyTests : IDisposable
{
    private static readonly IPAddress[] Addresses =
        [.. new[] { "192.0.2.1", "::ffff:192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::1:0:0:1", "fe80::1", "fe80::1%2", "fe80::1%3", "0.0.0.0", "::" }
            .Select(IPAddress.Parse)];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-bookkey-");

    private enum Step { Ban, Unban, Ask, Expire }

    [Fact]
    public void The_book_keyed_by_value_answers_as_one_keyed_by_address()
    {
        var op = Gen.Elements(Step.Ban, Step.Ban, Step.Unban, Step.Ask, Step.Ask, Step.Expire)
            .SelectMany(s => Gen.Choose(0, 1).SelectMany(j => Gen.Choose(0, Addresses.Length - 1).Select(a => (s, j, a))));
        var run = 0;
        Prop.ForAll(op.ListOf().ToArbitrary(), ops =>
        {
            var time = new ManualTimeProvider();
            using var store = SqliteStore.Open(Path.Combine(_dir.FullName, $"run{run++}.db"));
            using var book = new BanBook(store, time, NullLogger.Instance, () => { });
            Jail[] jails = [MakeJail("plain", null), MakeJail("wide", new BanPrefix(24, 64))];
            var model = new HashSet<(string, IPAddress)>();
            foreach (var (step, j, a) in ops)
            {
                var jail = jails[j];
                var target = BanBook.Target(jail, Addresses[a]);
                switch (step)
                {
                    case Step.Ban:
                        var made = book.Ban(jail, Addresses[a], 3, new Dictionary<string, string>());
                        Assert.Equal(model.Add((jail.Name, target)), made is not null);
                        Assert.Equal(target, made?.Address ?? target);
                        break;
                    case Step.Unban:
                        Assert.Equal(model.Remove((jail.Name, target)), book.Unban(jail, Addresses[a], "test"));
                        break;
                    case Step.Ask:
                        Assert.Equal(model.Contains((jail.Name, target)), book.IsBanned(jail.Name, target));
                        Assert.Equal(model.Contains((jail.Name, target)), book.IsBanned(jail.Name, AddressKey.From(target)));
                        break;
                    case Step.Expire:
                        time.Advance(TimeSpan.FromHours(2));
                        Assert.Equal(model.Count, book.ExpireDue(name => jails.FirstOrDefault(x => x.Name == name)));
                        model.Clear();
                        break;
                }
                Assert.Equal(model.Count, book.Count);
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    private static Jail MakeJail(string name, BanPrefix? prefix) =>
        new(new JailConfig(name, true, [], null!, new Dictionary<string, string>(), TimeSpan.FromMinutes(10), 3,
            new BanTimePolicy(TimeSpan.FromHours(1)), [], false, []) { BanPrefix = prefix }, null!, []);
}
