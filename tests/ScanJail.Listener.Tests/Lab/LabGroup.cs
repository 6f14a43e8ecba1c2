namespace ScanJail.Listener.Tests.Lab;

/// <summary>The lab tests share one pair of namespaces and run one after another (their scans would see each other).</summary>
[CollectionDefinition(Name)]
public sealed class LabGroup : ICollectionFixture<LabNetwork>
{
    public const string Name = "lab";
}
