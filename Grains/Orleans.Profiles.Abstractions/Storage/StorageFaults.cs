namespace Orleans.Profiles;

/// <summary>Finds a storage failure inside the wrappers that Orleans, grain storage and SDK retry policies add (on the silo and in the agent).</summary>
public static class StorageFaults
{
    /// <summary>The first exception in <paramref name="exception"/>'s chain (inner and aggregated exceptions included) that matches.</summary>
    public static Exception? Find(Exception? exception, Func<Exception, bool> match)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            if (match(exception))
            {
                return exception;
            }

            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count > 1)
            {
                return aggregate.InnerExceptions.Select(e => Find(e, match)).FirstOrDefault(e => e is not null);
            }

            exception = exception.InnerException;
        }

        return null;
    }
}
