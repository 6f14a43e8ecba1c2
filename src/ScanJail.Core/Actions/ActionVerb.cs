namespace ScanJail.Core.Actions;

/// <summary>The verbs of an action file; each is an argv array or a list of argv arrays.</summary>
public enum ActionVerb
{
    Start,
    Stop,
    Check,
    Ban,
    Unban,
    Flush,
}
