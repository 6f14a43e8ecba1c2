using ScanJail.Core.Configuration;

namespace ScanJail.Core.Actions;

public static partial class ActionLoader
{
    public const string StartResetsKey = "start-resets";

    /// <summary><c>start-resets</c> (<see cref="ActionDefinition.StartResets"/>): only with a <c>start</c> verb, which does the reset.</summary>
    private static bool ReadStartResets(MappingReader reader)
    {
        if (reader.Flag(StartResetsKey) is not true)
        {
            return false;
        }
        if (!reader.Has(VerbKey(ActionVerb.Start)))
        {
            reader.Error(reader.Get(StartResetsKey), StartResetsKey, "there is no start verb to remove the action's bans; add start: [argv] or remove start-resets");
            return false;
        }
        return true;
    }
}
