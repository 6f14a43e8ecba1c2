namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// The firewall tests run one at a time: each starts an engine, namespaces and firewall tools, and the
/// figures the measuring tests print mean more on a machine that is not also running the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FirewallTestGroup
{
    public const string Name = "Firewall";
}
