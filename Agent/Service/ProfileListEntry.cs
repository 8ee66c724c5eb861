namespace Orleans.Profiles.Agent.Service;

/// <summary>One key of <c>HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList</c>.</summary>
/// <param name="Account">The SID's account as <c>DOMAIN\user</c>, or null when it no longer resolves.</param>
/// <param name="Folder">Its <c>ProfileImagePath</c>, environment variables expanded.</param>
public sealed record ProfileListEntry(string Sid, string? Account, string Folder);
