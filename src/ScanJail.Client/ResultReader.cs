using System.Text.Json;

namespace ScanJail.Client;

/// <summary>
/// Reads an answer's <c>result</c> value where it stands in the response line (the reader on its first token,
/// left on its last), so the line is tokenised once; <see cref="ControlAnswer.Parse"/> calls it.
/// </summary>
/// <exception cref="JsonException">The value is not what the reader reads.</exception>
public delegate object ResultReader(ref Utf8JsonReader reader);
