//! Static tables the demo account draws from: names, finding types, IP origins.
//!
//! Kept apart from the generators so the realism (real GuardDuty types and wording, plausible
//! names) can be reviewed and extended without touching any logic.

/// First names for human IAM users (`first.last`).
pub const FIRST_NAMES: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "wendy", "yusuf", "amara",
    "bruno", "chen", "divya", "emeka", "fatima", "goran", "hana", "ingrid", "jonas", "kenji",
    "lucia", "mateo", "noor", "omar", "priya", "quinn", "rosa", "sven", "tomasz",
];

/// Last names for human IAM users.
pub const LAST_NAMES: &[&str] = &[
    "nguyen", "smith", "garcia", "okafor", "muller", "rossi", "kowalski", "tanaka", "silva",
    "haddad", "johansson", "novak", "obrien", "patel", "kim", "dubois", "costa", "fischer",
    "ivanova", "mensah", "lindqvist", "moreau", "sato", "walsh", "zhang", "andersen", "reyes",
    "bauer", "cohen", "farouk", "greene", "horvat", "ito", "jensen", "kaur", "lopez", "meyer",
    "nakamura", "owusu", "petrov",
];

/// IAM groups a person may belong to (besides `Admins`, which is assigned deliberately).
pub const PERSON_GROUPS: &[&str] = &[
    "Developers",
    "ReadOnly",
    "OnCall",
    "DataEngineering",
    "SecurityAudit",
    "Billing",
    "Platform",
];

/// Services and regions seen as an access key's last use.
pub const KEY_SERVICES: &[&str] = &[
    "s3",
    "ec2",
    "iam",
    "sts",
    "dynamodb",
    "cloudwatch",
    "lambda",
    "ecr",
    "secretsmanager",
    "logs",
];

/// EC2 instance roles, used for `Name` tags and alarm dimensions.
pub const INSTANCE_ROLES: &[&str] = &[
    "api", "web", "worker", "bastion", "batch", "jenkins", "kafka", "etl", "vpn", "grafana",
];
pub const INSTANCE_TYPES: &[&str] = &[
    "t3.micro",
    "t3.medium",
    "m5.large",
    "m6i.xlarge",
    "c6g.2xlarge",
    "r6i.large",
    "t4g.small",
];
pub const BUCKETS: &[&str] = &[
    "acme-prod-app-logs",
    "acme-customer-exports",
    "acme-terraform-state",
    "acme-data-lake-raw",
    "acme-backups-prod",
    "acme-public-assets",
    "acme-cloudtrail-archive",
    "acme-ml-training-data",
];
pub const EKS_CLUSTERS: &[&str] = &["prod-eks", "staging-eks", "data-platform"];
pub const KUBE_SYSTEM_PODS: &[&str] = &[
    "aws-node-7x9kq",
    "coredns-5d78c9869d-2m4ls",
    "kube-proxy-q8wzt",
    "ebs-csi-node-hx2fr",
];
pub const TRAILS: &[&str] = &["org-trail", "management-events", "security-audit-trail"];
pub const C2_DOMAINS: &[&str] = &[
    "update-check.servicehost-cdn.net",
    "api.telemetry-sync.org",
    "cdn.winupdate-mirror.com",
];
pub const MINING_DOMAINS: &[&str] = &[
    "xmr.pool.minergate.com",
    "pool.supportxmr.com",
    "stratum.btc-pool.example-mining.net",
];

/// Where hostile traffic comes from: an address prefix (the last octet is drawn) and its
/// country, as GuardDuty's `RemoteIpDetails` would geolocate it.
pub const REMOTE_ORIGINS: &[(&str, &str)] = &[
    ("185.220.101.", "Germany"),
    ("45.155.205.", "Russia"),
    ("103.251.167.", "Hong Kong"),
    ("198.98.56.", "United States"),
    ("91.240.118.", "Netherlands"),
    ("5.188.206.", "Russia"),
    ("222.186.30.", "China"),
    ("179.43.128.", "Switzerland"),
    ("141.98.10.", "Lithuania"),
    ("61.177.173.", "China"),
    ("104.244.72.", "Luxembourg"),
    ("193.142.146.", "Netherlands"),
];

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
        apis: &["ListBuckets", "DescribeInstances", "GetCallerIdentity", "ListUsers"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "Recon:IAMUser/MaliciousIPCaller.Custom",
        score: 5.0,
        resource: ResourceKind::AccessKey,
        title: "API {api} was invoked from an IP address on a custom threat list.",
        description: "API {api} was invoked by user {user} from IP address {ip}, which is included on a custom threat list.",
        weight: 2,
        apis: &["ListUsers", "ListRoles", "GetAccountAuthorizationDetails", "DescribeSecurityGroups"],
        ports: NO_PORTS,
    },
    FindingType {
        name: "Persistence:IAMUser/AnomalousBehavior",
        score: 5.0,
        resource: ResourceKind::AccessKey,
        title: "User {user} is anomalously invoking APIs commonly used in persistence tactics.",
        description: "APIs commonly used in Persistence tactics were invoked by user IAMUser : {user}, under anomalous circumstances. Such activity is not typically seen from this user.",
        weight: 2,
        apis: &["CreateAccessKey", "CreateUser", "AttachUserPolicy", "CreateLoginProfile"],
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
            vec![Severity::Critical, Severity::High, Severity::Medium, Severity::Low]
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
