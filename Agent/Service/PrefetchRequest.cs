namespace Orleans.Profiles.Agent.Service;

/// <summary>Look at <paramref name="Account"/>'s current snapshot and, if this machine is behind, fetch it.</summary>
public sealed record PrefetchRequest(ProfileKey Account, PrefetchReason Reason);
