namespace Ticketing.Hosting.Operations;

/// <summary>
/// What the deployment (deploy/k8s, the Dockerfiles) and the hosts must agree on: ports, paths and environment
/// variables. The manifest check in tests/k8s reads these constants from this file.
/// </summary>
public static class DeploymentContract
{
    public const int HttpPort = 8080;
    public const int SiloPort = 11111;
    public const int GatewayPort = 30000;

    public const string LivenessPath = "/health/live";
    public const string ReadinessPath = "/health/ready";
    public const string MetricsPath = "/metrics";
    public const string DashboardPath = "/dashboard";

    /// <summary>PostgreSQL, as the hosts read it (ConnectionStrings:Ticketing).</summary>
    public const string ConnectionStringVariable = "ConnectionStrings__Ticketing";

    /// <summary>The API's Orleans mode: "Client" on Kubernetes, where silos run in their own pods.</summary>
    public const string ApiModeVariable = "Orleans__Mode";

    public const string ClusterIdVariable = "Orleans__ClusterId";
    public const string ServiceIdVariable = "Orleans__ServiceId";

    // Read by Microsoft.Orleans.Hosting.Kubernetes; their presence switches UseKubernetesHosting() on.
    public const string KubernetesServiceIdVariable = "ORLEANS_SERVICE_ID";
    public const string KubernetesClusterIdVariable = "ORLEANS_CLUSTER_ID";
    public const string PodNameVariable = "POD_NAME";
    public const string PodIpVariable = "POD_IP";
    public const string PodNamespaceVariable = "POD_NAMESPACE";

    /// <summary>The dashboard's basic-auth credentials outside Development.</summary>
    public const string DashboardUserVariable = "Dashboard__Username";
    public const string DashboardPasswordVariable = "Dashboard__Password";

    /// <summary>How long a silo may take to drain on SIGTERM; the pod's grace period must exceed it.</summary>
    public const int ShutdownSeconds = 60;
}
