namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Tries to open <c>NTUSER.DAT</c> exclusively, as Windows' own profile service waits for: a loaded hive is held
/// open by the registry and refuses the open with a sharing violation.
/// </summary>
public sealed class HiveAccess : IHiveAccess
{
    public bool IsUnloaded(RoamingUser user)
    {
        try
        {
            using var hive = new FileStream(user.HivePath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
            return true;
        }
        catch (FileNotFoundException)
        {
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
