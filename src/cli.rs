//! The command line (docs/reference.md, "Command line").

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "assent",
    version,
    about = "Assent: the system of record for who agreed to what, when, how and to which wording.",
    long_about = "Assent: the system of record for who agreed to what, when, how and to which wording.\n\n\
                  Settings come from ASSENT_* environment variables (see docs/reference.md); with none set, \
                  `assent` serves http://127.0.0.1:8080 on an SQLite database in ./data."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database if needed, then run the web server and background workers (the default)
    Serve,
    /// Apply pending database migrations and exit
    Migrate,
    /// Print the OpenAPI 3.1 description of the JSON API (the one served at GET /api/openapi.json), for
    /// generating clients or reading offline; touches no database
    Openapi,
    /// Manage dashboard users
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Manage API keys for the JSON API
    Apikey {
        #[command(subcommand)]
        command: ApikeyCommand,
    },
    /// Write the profiles CSV (one row per profile, with every agreement and two personal links)
    Export {
        /// Only profiles with this agreement key ...
        #[arg(long)]
        agreement: Option<String>,
        /// ... at this value (default enabled; never set counts as disabled)
        #[arg(long, value_parser = ["enabled", "disabled"], requires = "agreement")]
        status: Option<String>,
        /// Only the profiles of this saved audience (made in the dashboard's Audiences page)
        #[arg(long, conflicts_with = "agreement")]
        audience: Option<String>,
        /// Optional columns after the usual ones, comma-separated: uuid, displayName, company, address,
        /// city, province, zipCode, countryCode, birthDate, sex, avatarUrl, anonymous, tags (joined by |)
        #[arg(long, value_name = "COLUMNS")]
        columns: Option<String>,
        /// Write to this file instead of standard output
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// Import profiles and consents from a CSV, JSON (array), JSON Lines or XML file. Each row is
    /// checked like a batch API item; bad rows are reported by number and do not stop the good ones. An
    /// interrupted import of the same file is resumed where it stopped
    Import {
        #[command(flatten)]
        options: ImportArgs,
    },
    /// Manage outgoing webhooks: endpoints that receive every change, signed per Standard Webhooks
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Scheduled CSV send-files: the export CSV sent to an HTTP endpoint on a schedule
    Sendfile {
        #[command(subcommand)]
        command: SendfileCommand,
    },
    /// Manage incoming integrations: other systems that push profiles to /integrations/NAME/webhook
    Integration {
        #[command(subcommand)]
        command: IntegrationCommand,
    },
    /// Manage profiles
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Manage the secrets kept sealed in the database
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
    /// Check the consent ledger, or anchor it
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Signed consent receipts: check one, or sign with a new key from now on
    Receipt {
        #[command(subcommand)]
        command: ReceiptCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReceiptCommand {
    /// Check a receipt (the .jws file a person downloaded, or - for standard input): its signature
    /// against every key this organisation ever signed with, and that each ledger event it names is
    /// still in this database with the same hash. Exit 0 when it holds, 1 naming what failed
    Verify {
        /// The receipt file
        file: std::path::PathBuf,
    },
    /// Sign receipts with a new key from now on; the earlier keys stay published at
    /// /.well-known/assent-receipt-keys.json, so receipts signed with them still verify
    RotateKey,
}

#[derive(Subcommand, Debug)]
pub enum SecretsCommand {
    /// After changing ASSENT_SECRET_KEY: seal every stored secret (webhook signing secrets, integration
    /// keys) anew under it, opening each with it or with ASSENT_PREVIOUS_SECRET_KEY (the old key)
    Reseal,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create a dashboard user. The password comes from ASSENT_ADMIN_PASSWORD or, if unset, from the
    /// first line of standard input; it needs at least 12 characters and is stored only as an argon2id hash
    Create {
        /// The user's email address (their sign-in name)
        #[arg(long)]
        email: String,
        /// admin (everything) or marketer (agreements, profiles, audiences)
        #[arg(long, value_parser = ["admin", "marketer"])]
        role: String,
    },
    /// Set a dashboard user's password (read like `create`'s) and end all their sessions: for an admin
    /// who is locked out, or a password that leaked
    Password {
        /// The user's email address
        #[arg(long)]
        email: String,
    },
    /// Stop a dashboard user signing in; their sessions end at once on every node
    Disable {
        /// The user's email address
        #[arg(long)]
        email: String,
    },
    /// Let a disabled dashboard user sign in again
    Enable {
        /// The user's email address
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ApikeyCommand {
    /// Create an API key; prints it once, alone on the last line (only its hash is stored)
    Create {
        /// A name for the key, recorded as the source `api:<name>` of every change it makes
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum WebhookCommand {
    /// Register an endpoint; prints its whsec_ signing secret once, alone on the last line
    Add {
        /// Where to POST the events (https://…; private addresses only with
        /// ASSENT_ALLOW_PRIVATE_TARGETS=true)
        #[arg(long)]
        url: String,
        /// Event types, comma-separated: profile.created, profile.updated, consent.changed, profile.erased,
        /// ledger.anchored
        #[arg(long, value_name = "E[,E…]")]
        events: String,
        /// Only consent changes of this agreement key (repeat for several; default: every agreement)
        #[arg(long = "agreement", value_name = "KEY")]
        agreements: Vec<String>,
        /// Never send changes from this source: a whole one (api:crm) or a kind (import, form);
        /// repeat for several
        #[arg(long = "exclude-source", value_name = "S")]
        exclude_sources: Vec<String>,
        /// The incoming integration of the same system: what it sent is never echoed back to it
        #[arg(long, value_name = "NAME")]
        integration: Option<String>,
        /// Sign with this whsec_ secret (shared with the receiver, e.g. another Assent's integration
        /// added with --standard-webhooks) instead of a new one
        #[arg(long, value_name = "WHSEC")]
        secret: Option<String>,
    },
    /// List endpoints with their events, status and queue
    List,
    /// Stop sending to an endpoint; changes queue up and go out when it is resumed
    Pause { id: i64 },
    /// Send to a paused (or 410-disabled) endpoint again, starting with what queued meanwhile
    Resume { id: i64 },
    /// Remove an endpoint and every delivery queued for it
    Delete { id: i64 },
    /// Make a new signing secret, printed once on the last line; the old one keeps signing alongside
    /// for 24 hours so the receiver can switch without losing a request
    Rotate { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum SendfileCommand {
    /// Schedule a send-file: the CSV of `assent export` for a filter, sent as a text/csv body
    /// (ASSENT_SENDFILE_TOKEN_<NAME> adds a bearer token, ASSENT_SENDFILE_BASIC_<NAME>=user:password
    /// basic auth) or written to an SFTP server (--key FILE, or ASSENT_SENDFILE_PASSWORD_<NAME>; the
    /// server's host key is pinned on first use)
    Add {
        /// Its name (lower-case letters, digits, - and _)
        #[arg(long)]
        name: String,
        /// Where to send it: https://… (http:// too), or sftp://USER@HOST[:PORT]/PATH where PATH may
        /// hold {date} and {time} (UTC; /~/… is under the user's home); private addresses only with
        /// ASSENT_ALLOW_PRIVATE_TARGETS=true
        #[arg(long)]
        target: String,
        /// SFTP: the private key file to log in with (OpenSSH or PEM; a passphrase comes from
        /// ASSENT_SENDFILE_PASSPHRASE_<NAME>). Read at each run, so it must exist where the server runs
        #[arg(long, value_name = "FILE")]
        key: Option<String>,
        /// Only profiles with this agreement …
        #[arg(long, value_name = "KEY")]
        agreement: Option<String>,
        /// … at this value (default enabled)
        #[arg(long, value_name = "enabled|disabled", requires = "agreement")]
        status: Option<String>,
        /// Only the profiles of this saved audience
        #[arg(long, value_name = "NAME", conflicts_with = "agreement")]
        audience: Option<String>,
        /// How often: 15m, 6h, 1d (default 1d)
        #[arg(long, value_name = "INTERVAL")]
        every: Option<String>,
        /// At this time of day, UTC (HH:MM; with --every, the grid goes through it; default 00:00 when
        /// neither is given)
        #[arg(long, value_name = "HH:MM")]
        at: Option<String>,
        /// Only profiles changed since the start of the last successful run
        #[arg(long)]
        changed_only: bool,
        /// POST (default) or PUT
        #[arg(long, default_value = "POST")]
        method: String,
    },
    /// Run a send-file now, wait for it and print the rows and bytes sent; exit 1 with the reason if it
    /// failed
    Run { name: String },
    /// List send-files with their schedule, next run and last outcome
    List,
    /// Forget an SFTP send-file's pinned host key (after the server's key was replaced on purpose):
    /// the next run trusts and pins the key the server shows then
    ForgetHostKey { name: String },
    /// Stop a send-file's scheduled runs ("run" still runs it)
    Pause { name: String },
    /// Start its scheduled runs again, from the next time on its schedule
    Resume { name: String },
    /// Delete a send-file (its past runs stay listed)
    Delete { name: String },
}

#[derive(Subcommand, Debug)]
pub enum IntegrationCommand {
    /// Register a system that sends profiles to /integrations/NAME/webhook, with how its requests are
    /// proven: a JWT signed with a shared secret (HS256) or a private key (RS256/ES256, give the public
    /// key), an HMAC of the body (X-Hub-Signature-256), or Standard Webhooks signatures; or an SMS
    /// gateway (--sms) that relays the text messages people send to /integrations/NAME/sms
    Add {
        /// The integration's name: in its address and in the source integration:NAME of its changes
        #[arg(long)]
        name: String,
        /// JWTs signed with HS256 and this shared secret (at least 32 characters)
        #[arg(long, group = "auth")]
        hs256_secret: Option<String>,
        /// JWTs signed with RS256 or ES256: the sender's public key as a PEM file
        #[arg(long, group = "auth", value_name = "FILE")]
        public_key_pem: Option<std::path::PathBuf>,
        /// Bodies signed as X-Hub-Signature-256: sha256=<hex HMAC-SHA256> with this secret
        #[arg(long, group = "auth")]
        hmac_secret: Option<String>,
        /// Standard Webhooks signatures (e.g. another Assent's webhook); prints the new whsec_ secret
        /// once, alone on the last line
        #[arg(long, group = "auth")]
        standard_webhooks: bool,
        /// Text messages at /integrations/NAME/sms, whose STOP and START keywords withdraw and give
        /// back SMS agreements: `twilio` (Twilio's inbound webhook; give the account's auth token with
        /// --key) or `generic` (JSON {"from", "to", "body", "id"} signed per Standard Webhooks; prints a
        /// new whsec_ secret unless --secret gives one)
        #[arg(long, group = "auth", value_name = "KIND", value_parser = ["twilio", "generic"])]
        sms: Option<String>,
        /// With --sms twilio: the Twilio account's auth token (Account Info in the Twilio console)
        #[arg(long, requires = "sms", value_name = "AUTH_TOKEN")]
        key: Option<String>,
        /// With --standard-webhooks or --sms generic: this whsec_ secret (shared with the sender, e.g.
        /// the one another Assent's `webhook add` printed) instead of a new one
        #[arg(long, value_name = "WHSEC")]
        secret: Option<String>,
    },
    /// List integrations with how they authenticate and when they were last used
    List,
    /// Refuse an integration's requests from now on (404), keeping its history
    Disable {
        #[arg(long)]
        name: String,
    },
    /// Accept a disabled integration's requests again
    Enable {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum LedgerCommand {
    /// Recompute every profile's hash chain, and check that the ledger still holds every chain head an
    /// anchor covered (the one in --anchor FILE, else every stored anchor); exit 0 when all holds, 1
    /// naming the first broken event and each profile whose chain was deleted, cut short or rewritten
    Verify {
        /// An anchor kept elsewhere: the JSON `assent ledger anchor` printed, the data of a
        /// ledger.anchored webhook, or - for standard input
        #[arg(long, value_name = "FILE")]
        anchor: Option<std::path::PathBuf>,
    },
    /// Anchor the ledger now: a signed Merkle root over every profile's chain head, stored, sent to
    /// the webhooks that subscribe to ledger.anchored, and printed as JSON to keep elsewhere
    Anchor,
}

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Right to erasure: withdraw every agreement, blank the person's data (email, customId, uuid, phone,
    /// names and other fields, attributes, the clear IP addresses and user agents of their events), keep
    /// the digests so `assent ledger verify` still passes, and leave a tombstone so no import re-creates
    /// them. Name the person by exactly one of EMAIL, --email, --custom-id, --uuid or --phone
    #[command(group(clap::ArgGroup::new("who").required(true).args(["email", "by_email", "custom_id", "uuid", "phone"])))]
    Erase {
        /// The profile's email address
        email: Option<String>,
        /// The profile's email address (as EMAIL)
        #[arg(long = "email", value_name = "EMAIL")]
        by_email: Option<String>,
        /// The profile's customId
        #[arg(long, value_name = "ID")]
        custom_id: Option<String>,
        /// The profile's uuid (Synerise's identifier)
        #[arg(long, value_name = "UUID")]
        uuid: Option<String>,
        /// The profile's phone number (+48 601 234 567; without +, of ASSENT_DEFAULT_PHONE_REGION);
        /// refused when several profiles share it
        #[arg(long, value_name = "NUMBER")]
        phone: Option<String>,
        /// Why, for the ledger and the audit log
        #[arg(long, default_value = "Right to erasure requested by the person")]
        reason: String,
    },
}

/// `assent import`'s arguments (also what `commands::import` runs with).
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The file: .csv/.tsv/.txt, .json, .jsonl/.ndjson or .xml (else give --format)
    pub file: std::path::PathBuf,
    /// The file's format, when its name does not tell
    #[arg(long, value_parser = ["csv", "json", "jsonl", "xml"])]
    pub format: Option<String>,
    /// The CSV delimiter: , ; | or tab (detected from the header line when left out)
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Map a source column to a target, e.g. --map E-mail=email --map nl_optin=newsletter_agreement;
    /// targets: email, customId, uuid, phone, firstName, lastName, fullName, consentedAt, withdrawnAt,
    /// ip, reason, a standard field (displayName, company, address, city, province, zipCode,
    /// countryCode, birthDate, sex, avatarUrl, anonymous, tags), an agreement key, attributes.NAME,
    /// or - to leave the column out. Columns named like a target map to it
    #[arg(long = "map", value_name = "SOURCE=TARGET")]
    pub map: Vec<String>,
    /// Check every row and count what would happen, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// When the consents were given, for rows without a consentedAt column (RFC 3339, or
    /// 2026-05-01 12:00:00 in UTC); without either, the import's own time
    #[arg(long, value_name = "TIME")]
    pub consented_at: Option<String>,
    /// Write every rejected or stale row (row,outcome,message) to this CSV file
    #[arg(long, value_name = "FILE")]
    pub errors: Option<std::path::PathBuf>,
    /// The tool the file was exported from; its columns then map themselves, its opt-in times and
    /// addresses go into the ledger, and each event records the tool
    #[arg(long, value_parser = ["mailchimp", "listmonk", "synerise"])]
    pub from: Option<String>,
    /// With --from mailchimp or listmonk: the agreement the list stands for (default
    /// newsletter_agreement)
    #[arg(long, value_name = "KEY", requires = "from")]
    pub agreement: Option<String>,
    /// With --from listmonk: split its name column into first name and last name (the last word);
    /// without it the whole name is the first name
    #[arg(long, requires = "from")]
    pub split_name: bool,
    /// Give every row the same value, e.g. --set newsletter_agreement=enabled for a file of
    /// subscribers; TARGET as in --map
    #[arg(long = "set", value_name = "TARGET=VALUE")]
    pub set: Vec<String>,
    /// What becomes of columns that nothing maps: kept as attributes, or left out (without this
    /// such a column refuses the file; with --from, attributes)
    #[arg(long, value_parser = ["attributes", "ignore"])]
    pub unmapped: Option<String>,
    /// The time zone of times written without an offset (Mailchimp writes its account's), as an
    /// IANA name such as Europe/Warsaw; default UTC
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// The country of phone numbers written without + (ISO 3166-1 alpha-2, e.g. PL); default
    /// ASSENT_DEFAULT_PHONE_REGION. Numbers are stored in E.164 (+48601234567)
    #[arg(long, value_name = "CC")]
    pub phone_region: Option<String>,
}
