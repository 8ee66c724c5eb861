namespace Orleans.Profiles.Sync;

/// <summary>How far a push or pull has come, in chunk bytes moved over the network.</summary>
public sealed record TransferProgress(string Operation, long Bytes, long TotalBytes, int Chunks, int TotalChunks);
