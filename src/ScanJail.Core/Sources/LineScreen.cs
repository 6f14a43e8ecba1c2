using System.Runtime.CompilerServices;
using System.Text;

namespace ScanJail.Core.Sources;

/// <summary>
/// The texts one of which every line any reader of a source could match contains (the union of the
/// readers' filters' precheck literals, <see cref="Filtering.IFilter.RequiredLiterals"/>), searched in the
/// line's UTF-8 bytes before it is decoded: a line with none of them is handed on as a screened line,
/// counted but never made into a string. A valid UTF-8 literal without U+FFFD is in the decoded text
/// exactly when its bytes are in the line (the decoder never joins a literal's bytes with invalid ones
/// around it), so the filters see no difference.
/// </summary>
public sealed class LineScreen
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[][] _literals;

    private LineScreen(byte[][] literals) => _literals = literals;

    /// <summary>A screen for readers with these literal sets; null when any reader may match any line (a set is null or empty) or a literal cannot be searched as bytes.</summary>
    public static LineScreen? For(IEnumerable<IReadOnlyList<string>?> literalSets)
    {
        var literals = new List<byte[]>();
        foreach (var set in literalSets)
        {
            if (set is not { Count: > 0 })
            {
                return null;
            }
            foreach (var literal in set)
            {
                if (literal.Length == 0 || literal.Contains('\uFFFD', StringComparison.Ordinal) || !TryEncode(literal, out var bytes))
                {
                    return null;
                }
                literals.Add(bytes);
            }
        }
        return literals.Count == 0 ? null : new LineScreen([.. literals.DistinctBy(Convert.ToHexString)]);
    }

    /// <summary>False when <paramref name="line"/> (UTF-8 bytes) holds none of the literals: no reader can match it.</summary>
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool MayMatch(ReadOnlySpan<byte> line)
    {
        foreach (var literal in _literals)
        {
            if (line.IndexOf(literal) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    // A literal with a lone surrogate has no UTF-8 form: no screen then.
    private static bool TryEncode(string literal, out byte[] bytes)
    {
        try
        {
            bytes = Strict.GetBytes(literal);
            return true;
        }
        catch (EncoderFallbackException)
        {
            bytes = [];
            return false;
        }
    }
}
