namespace Orleans.Profiles.Sync;

/// <summary>The agent's exit codes, for logon and logoff scripts (documented in README.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A failure on this machine (a local file that cannot be read or written) or an unexpected one; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>The request was wrong (account name, path, option, snapshot number); retrying it unchanged cannot help.</summary>
    public const int BadInput = 2;

    /// <summary>A pull stopped because local files changed since the last sync were never pushed.</summary>
    public const int Conflict = 3;

    /// <summary>No gateway answered, or the silos' storage failed, after every retry; the current snapshot is unchanged.</summary>
    public const int StoreUnavailable = 4;

    /// <summary>Data read from the store did not match its hashes; no local file was replaced.</summary>
    public const int VerificationFailed = 5;

    /// <summary>The store refused the caller: no token, an expired or tampered one, or one for another user.</summary>
    public const int NotAuthorized = 6;

    /// <summary>Interrupted (Ctrl+C or SIGTERM); an upload resumes on the next push, a pull left old files intact.</summary>
    public const int Interrupted = 130;
}
