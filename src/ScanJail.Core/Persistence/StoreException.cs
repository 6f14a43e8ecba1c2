namespace ScanJail.Core.Persistence;

/// <summary>The database cannot be used (cannot open, locked, read-only, disk full). The message says which file and why.</summary>
public sealed class StoreException : Exception
{
    public StoreException() { }

    public StoreException(string message) : base(message) { }

    public StoreException(string message, Exception inner) : base(message, inner) { }
}
