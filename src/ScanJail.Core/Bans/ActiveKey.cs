using ScanJail.Core.Jails;

namespace ScanJail.Core.Bans;

/// <summary>
/// The active bans' key: a jail and an address. A struct of its own rather than a <c>(string, AddressKey)</c>
/// tuple: a tuple with a string in it is a shared generic instantiation, so without profile-guided
/// compilation (the published engine has none) every lookup went through the runtime's generic lookups and
/// the default comparer of the tuple; this key's comparison is compiled in. The hash is the address's alone
/// (a jail has few names beside it: the same address banned in two jails shares a bucket, nothing more).
/// </summary>
internal readonly struct ActiveKey(string jail, AddressKey address) : IEquatable<ActiveKey>
{
    public string Jail { get; } = jail;
    public AddressKey Address { get; } = address;

    public bool Equals(ActiveKey other) =>
        Address == other.Address && (ReferenceEquals(Jail, other.Jail) || string.Equals(Jail, other.Jail, StringComparison.Ordinal));

    public override bool Equals(object? obj) => obj is ActiveKey other && Equals(other);

    public override int GetHashCode() => Address.GetHashCode();
}
