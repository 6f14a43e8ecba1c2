using System.Runtime.CompilerServices;
using ScanJail.Core.Filtering;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Engine;

public sealed class HotMethodsTests
{
    [Fact]
    public void The_per_line_methods_are_found_and_each_can_be_compiled_ahead_of_its_first_call()
    {
        var methods = Core.Engine.Engine.HotMethods();

        Assert.Contains(methods, m => m.DeclaringType == typeof(LineScreen) && m.Name == nameof(LineScreen.MayMatch));
        Assert.Contains(methods, m => m.DeclaringType == typeof(OpenSshReader));
        Assert.All(methods, m => Assert.True((m.MethodImplementationFlags & System.Reflection.MethodImplAttributes.AggressiveOptimization) != 0, m.Name));
        // What the engine's start does with them: none may throw (a generic method, say, cannot be compiled unbound).
        Assert.All(methods, m => RuntimeHelpers.PrepareMethod(m.MethodHandle));
    }
}
