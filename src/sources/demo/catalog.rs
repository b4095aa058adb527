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
    "nguyen",
    "smith",
    "garcia",
    "okafor",
    "muller",
    "rossi",
    "kowalski",
    "tanaka",
    "silva",
    "haddad",
    "johansson",
    "novak",
    "obrien",
    "patel",
    "kim",
    "dubois",
    "costa",
    "fischer",
    "ivanova",
    "mensah",
    "lindqvist",
    "moreau",
    "sato",
    "walsh",
    "zhang",
    "andersen",
    "reyes",
    "bauer",
    "cohen",
    "farouk",
    "greene",
    "horvat",
    "ito",
    "jensen",
    "kaur",
    "lopez",
    "meyer",
    "nakamura",
    "owusu",
    "petrov",
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
