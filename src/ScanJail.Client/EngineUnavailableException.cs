namespace ScanJail.Client;

/// <summary>The socket could not be reached or gave no answer: the engine is not running (exit 69).</summary>
public sealed class EngineUnavailableException : Exception
{
    public EngineUnavailableException()
    {
    }

    public EngineUnavailableException(string message) : base(message)
    {
    }

    public EngineUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
