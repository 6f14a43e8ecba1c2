namespace ScanJail.Core.Actions;

/// <summary>One piece of an argument template: literal text, or the name of a tag to fill in.</summary>
internal readonly record struct TemplatePart(string Text, bool IsTag);
