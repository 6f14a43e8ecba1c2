using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Sources;

// OWNER: file-source helper.
/// <summary>Follows every file matching a path or glob, surviving rotation; see FileSourceConfig.</summary>
#pragma warning disable CS9113 // stub until the file-source helper lands
public sealed class FileSource(FileSourceConfig config, IPositionStore positions, TimeProvider time, ILogger logger) : ILogSource
#pragma warning restore CS9113
{
    public string Name => config.Path;

    public SourceCounters Counters { get; } = new();

    public Task RunAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken) => throw new NotImplementedException();
}
