namespace ScanJail.Core.Actions;

/// <summary>Where a template's tags get their values: <see cref="TagValues"/>, or <see cref="BanLineTags"/> for batch lines.</summary>
internal interface ITagSource
{
    /// <summary>The value of <paramref name="tag"/>, or the empty string when it has none.</summary>
    string Get(string tag);
}
