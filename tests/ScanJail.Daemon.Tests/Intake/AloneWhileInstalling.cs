namespace ScanJail.Daemon.Tests.Intake;

/// <summary>make install runs dotnet publish, which takes the machine's cores for a while: it runs alone, so timing-bound tests beside it are not starved.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneWhileInstalling
{
    public const string Name = "make install";
}
