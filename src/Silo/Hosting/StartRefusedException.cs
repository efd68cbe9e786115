namespace SecretsStore.Silo.Hosting;

/// <summary>
/// A start that cannot go on because of something the person starting it can put right: a setting, a file, a folder,
/// a port. Its message is one line that names what is wrong and how to fix it; the program prints that line, not a
/// stack trace, and exits 1. An <see cref="InvalidOperationException"/>, so that the operator commands, which say
/// such failures in one line already, keep doing so.
/// </summary>
public class StartRefusedException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
