//! GuardDuty finding types: real type names, typical severities and GuardDuty's wording.

/// What a finding is about, which decides the resource block and the details shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    Instance,
    AccessKey,
    S3Bucket,
    EksCluster,
}

/// One GuardDuty finding type with its typical severity and GuardDuty-style wording.
/// Templates use `{instance}`, `{ip}`, `{port}`, `{user}`, `{api}`, `{bucket}`, `{domain}`,
/// `{trail}`, `{cluster}`, `{pod}` placeholders.
#[derive(Clone, Copy, Debug)]
pub struct FindingType {
    pub name: &'static str,
    pub score: f64,
    pub resource: ResourceKind,
    pub title: &'static str,
    pub description: &'static str,
    /// Relative frequency when drawing a random finding.
    pub weight: u32,
    /// Candidate API names (for IAM/S3 findings) or ports (for network findings).
    pub apis: &'static [&'static str],
    pub ports: &'static [u16],
}

const NO_APIS: &[&str] = &[];
const NO_PORTS: &[u16] = &[];

pub const FINDING_TYPES: &[FindingType] = &[
    FindingType {
        name: "AttackSequence:IAM/CompromisedCredentials",
        score: 9.2,
        resource: ResourceKind::AccessKey,
        title: "Potential credential compromise of user {user} indicated by a sequence of actions.",
        description: "A sequence of suspicious actions was observed using the credentials of user {user}, including {api} from IP address {ip}. The signals together indicate the credentials are likely compromised.",
        weight: 1,
        apis: &["CreateAccessKey", "AttachUserPolicy", "StopLogging"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "AttackSequence:S3/CompromisedData",
        score: 9.5,
        resource: ResourceKind::S3Bucket,
        title: "Potential data compromise of S3 bucket {bucket} indicated by a sequence of actions.",
        description: "A sequence of actions associated with data exfiltration and destruction was observed on S3 bucket {bucket}, initiated by {user} from IP address {ip}.",
        weight: 1,
        apis: &["GetObject", "DeleteObject", "PutBucketPolicy"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        score: 8.0,
        resource: ResourceKind::AccessKey,
        title: "Credentials for instance role {user} used from external IP address.",
        description: "Credentials that were created exclusively for an EC2 instance through instance launch role {user} are being used from external IP address {ip}.",
        weight: 2,
        apis: &["ListBuckets", "DescribeInstances", "GetCallerIdentity"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "CryptoCurrency:EC2/BitcoinTool.B!DNS",
        score: 8.0,
        resource: ResourceKind::Instance,
        title: "Bitcoin-related domain name queried by EC2 instance {instance}.",
        description: "EC2 instance {instance} is querying a domain name {domain} that is associated with Bitcoin-related activity.",
        weight: 2,
        apis: NO_APIS,
        ports: NO_PORTS,
    },
    FindingType {
        name: "Backdoor:EC2/C&CActivity.B!DNS",
        score: 8.0,
        resource: ResourceKind::Instance,
        title: "Command and Control server domain name queried by EC2 instance {instance}.",
        description: "EC2 instance {instance} is querying a domain name {domain} associated with a known Command & Control server.",
        weight: 1,
        apis: NO_APIS,
        ports: NO_PORTS,
    },
    FindingType {
        name: "Trojan:EC2/DNSDataExfiltration",
        score: 8.0,
        resource: ResourceKind::Instance,
        title: "Data exfiltration through DNS queries from EC2 instance {instance}.",
        description: "EC2 instance {instance} is attempting to exfiltrate data by performing DNS queries to {domain}.",
        weight: 1,
        apis: NO_APIS,
        ports: NO_PORTS,
    },
    FindingType {
        name: "Discovery:S3/MaliciousIPCaller",
        score: 8.0,
        resource: ResourceKind::S3Bucket,
        title: "S3 API {api} was invoked from a known malicious IP address {ip}.",
        description: "An API commonly used to discover resources was invoked on S3 bucket {bucket} by {user} from a known malicious IP address {ip}.",
        weight: 2,
        apis: &["ListObjects", "GetBucketAcl", "GetBucketPolicy"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "Exfiltration:S3/AnomalousBehavior",
        score: 8.0,
        resource: ResourceKind::S3Bucket,
        title: "Anomalous S3 API {api} requests were invoked by {user}.",
        description: "An IAM entity invoked an S3 API in a suspicious way: {user} read an unusual volume of objects from bucket {bucket}. Such activity is not typically seen from this user.",
        weight: 1,
        apis: &["GetObject", "CopyObject"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "UnauthorizedAccess:EC2/TorClient",
        score: 8.0,
        resource: ResourceKind::Instance,
        title: "EC2 instance {instance} is communicating with Tor Entry/Guard Node {ip}.",
        description: "EC2 instance {instance} is communicating with IP address {ip} on port {port}, which is a known Tor Entry/Guard Node. This can indicate unauthorized access to your AWS resources.",
        weight: 1,
        apis: NO_APIS,
        ports: &[9001, 443],
    },
    FindingType {
        name: "PenTest:IAMUser/KaliLinux",
        score: 5.0,
        resource: ResourceKind::AccessKey,
        title: "API {api} was invoked from a Kali Linux computer.",
        description: "API {api} was invoked by user {user} from a Kali Linux computer with IP address {ip}.",
        weight: 2,
        apis: &[
            "ListBuckets",
            "DescribeInstances",
            "GetCallerIdentity",
            "ListUsers",
        ],
        ports: NO_PORTS,
    },
    FindingType {
        name: "Recon:IAMUser/MaliciousIPCaller.Custom",
        score: 5.0,
        resource: ResourceKind::AccessKey,
        title: "API {api} was invoked from an IP address on a custom threat list.",
        description: "API {api} was invoked by user {user} from IP address {ip}, which is included on a custom threat list.",
        weight: 2,
        apis: &[
            "ListUsers",
            "ListRoles",
            "GetAccountAuthorizationDetails",
            "DescribeSecurityGroups",
        ],
        ports: NO_PORTS,
    },
    FindingType {
        name: "Persistence:IAMUser/AnomalousBehavior",
        score: 5.0,
        resource: ResourceKind::AccessKey,
        title: "User {user} is anomalously invoking APIs commonly used in persistence tactics.",
        description: "APIs commonly used in Persistence tactics were invoked by user IAMUser : {user}, under anomalous circumstances. Such activity is not typically seen from this user.",
        weight: 2,
        apis: &[
            "CreateAccessKey",
            "CreateUser",
            "AttachUserPolicy",
            "CreateLoginProfile",
        ],
        ports: NO_PORTS,
    },
    FindingType {
        name: "CredentialAccess:IAMUser/AnomalousBehavior",
        score: 5.0,
        resource: ResourceKind::AccessKey,
        title: "User {user} is anomalously invoking APIs commonly used in credential access tactics.",
        description: "APIs commonly used in CredentialAccess tactics were invoked by user IAMUser : {user}, under anomalous circumstances. Such activity is not typically seen from this user.",
        weight: 2,
        apis: &["GetSecretValue", "GetPasswordData", "GetParameters"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "Execution:Kubernetes/ExecInKubeSystemPod",
        score: 5.0,
        resource: ResourceKind::EksCluster,
        title: "Command executed inside a pod in the kube-system namespace.",
        description: "A command was executed inside the pod {pod} in the kube-system namespace on EKS Cluster {cluster}.",
        weight: 2,
        apis: NO_APIS,
        ports: NO_PORTS,
    },
    FindingType {
        name: "Recon:EC2/PortProbeUnprotectedPort",
        score: 2.0,
        resource: ResourceKind::Instance,
        title: "Unprotected port on EC2 instance {instance} is being probed.",
        description: "EC2 instance {instance} has an unprotected port {port} which is being probed by a known malicious host {ip}.",
        weight: 6,
        apis: NO_APIS,
        ports: &[22, 3389, 5432, 6379, 8080, 9200],
    },
    FindingType {
        name: "UnauthorizedAccess:EC2/SSHBruteForce",
        score: 2.0,
        resource: ResourceKind::Instance,
        title: "{ip} is performing SSH brute force attacks against {instance}.",
        description: "{ip} is performing SSH brute force attacks against {instance}. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password.",
        weight: 5,
        apis: NO_APIS,
        ports: &[22],
    },
    FindingType {
        name: "Impact:EC2/WinRMBruteForce",
        score: 2.0,
        resource: ResourceKind::Instance,
        title: "{ip} is performing WinRM brute force attacks against {instance}.",
        description: "{ip} is performing Windows Remote Management (WinRM) brute force attacks against {instance}. This can indicate unauthorized attempts to gain access to Windows-based services.",
        weight: 2,
        apis: NO_APIS,
        ports: &[5985, 5986],
    },
    FindingType {
        name: "Policy:IAMUser/RootCredentialUsage",
        score: 2.0,
        resource: ResourceKind::AccessKey,
        title: "API {api} was invoked using root credentials.",
        description: "API {api} was invoked using root credentials from IP address {ip}.",
        weight: 1,
        apis: &["GetAccountSummary", "ListAccountAliases", "DescribeRegions"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "Stealth:IAMUser/CloudTrailLoggingDisabled",
        score: 2.0,
        resource: ResourceKind::AccessKey,
        title: "AWS CloudTrail trail {trail} was disabled.",
        description: "AWS CloudTrail trail {trail} was disabled by user {user} calling {api} from IP address {ip}.",
        weight: 1,
        apis: &["StopLogging", "DeleteTrail"],
        ports: NO_PORTS,
    },
];

/// One finding type from each GuardDuty band (Critical, High, Medium, Low), so even a tiny
/// demo shows every severity.
pub const BAND_EXEMPLARS: [usize; 4] = [0, 2, 9, 14];

/// Sum of `FINDING_TYPES` weights, for weighted draws.
pub fn total_weight() -> u32 {
    FINDING_TYPES.iter().map(|t| t.weight).sum()
}

/// The finding type at a point `ticket` in `0..total_weight()`.
pub fn type_for_ticket(mut ticket: u32) -> usize {
    for (index, kind) in FINDING_TYPES.iter().enumerate() {
        if ticket < kind.weight {
            return index;
        }
        ticket -= kind.weight;
    }
    FINDING_TYPES.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;

    #[test]
    fn band_exemplars_cover_every_guardduty_band() {
        let bands: Vec<Severity> = BAND_EXEMPLARS
            .iter()
            .filter_map(|&i| FINDING_TYPES.get(i))
            .map(|t| Severity::from_guardduty_score(t.score))
            .collect();
        assert_eq!(
            bands,
            vec![
                Severity::Critical,
                Severity::High,
                Severity::Medium,
                Severity::Low
            ]
        );
    }

    #[test]
    fn weighted_tickets_reach_every_type() {
        let mut seen = vec![false; FINDING_TYPES.len()];
        for ticket in 0..total_weight() {
            if let Some(slot) = seen.get_mut(type_for_ticket(ticket)) {
                *slot = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
    }
}
