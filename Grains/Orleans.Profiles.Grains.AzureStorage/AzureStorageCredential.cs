namespace Orleans.Profiles.AzureStorage;

/// <summary>Which Entra ID credential a silo uses with <see cref="AzureStorageOptions.ServiceUri"/> (setting <c>Storage:Azure:Credential</c>).</summary>
public enum AzureStorageCredential
{
    /// <summary>
    /// <c>DefaultAzureCredential</c>: environment, Kubernetes workload identity, managed identity, then a developer's
    /// sign-in, the first that answers (the default).
    /// </summary>
    Default,

    /// <summary>The managed identity of the VM, App Service or container: system-assigned, or user-assigned by <see cref="AzureStorageOptions.ClientId"/>.</summary>
    ManagedIdentity,

    /// <summary>Kubernetes workload identity: the pod's federated service account token (<c>AZURE_FEDERATED_TOKEN_FILE</c>, set by the webhook).</summary>
    WorkloadIdentity,
}
