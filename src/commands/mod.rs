//! The one-shot CLI commands, and `run`, which dispatches the command line to them.

mod dispatch;
pub mod import;

pub use dispatch::run;

use crate::auth::users;
use crate::config::Settings;
use crate::consent::ledger::{self, Verdict};
use crate::db::models::{admin_users, profiles};
use crate::db::{self, Schema};

pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Leave)?.get()?;
    let ran = db::migrate(&mut conn)?;
    let sealed =
        crate::secrets::seal_clear(&mut conn, &crate::domain::Sealer::new(&settings.secret_key))?;
    println!(
        "{}: applied {ran} migration{}; the database is up to date",
        settings.database.engine(),
        if ran == 1 { "" } else { "s" }
    );
    if sealed > 0 {
        println!("sealed {sealed} secret(s) that were kept in clear");
    }
    Ok(())
}

/// `assent secrets reseal`: every stored secret sealed anew under `ASSENT_SECRET_KEY`, opened with it or
/// with `ASSENT_PREVIOUS_SECRET_KEY`.
pub fn secrets_reseal(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let current = crate::domain::Sealer::new(&settings.secret_key);
    let previous = settings
        .previous_secret_key
        .as_deref()
        .map(crate::domain::Sealer::new);
    let n = crate::secrets::reseal(&mut conn, &current, previous.as_ref())?;
    println!("resealed {n} secret(s) under the current ASSENT_SECRET_KEY");
    Ok(())
}

/// The password for `assent admin create|password`: `ASSENT_ADMIN_PASSWORD`, or the first line of
/// standard input (asked for when it is a terminal).
fn read_password(email: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if let Some(p) = std::env::var("ASSENT_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        eprint!(
            "Password for {email} (at least {} characters): ",
            crate::auth::password::MIN_LEN
        );
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn admin_create(settings: &Settings, email: &str, role: &str) -> anyhow::Result<()> {
    let user = users::prepare(email, role, &read_password(email)?)?.map_err(|e| match e.field {
        "password" => anyhow::anyhow!("{}", e.message),
        field => anyhow::anyhow!("--{field}: {}", e.message),
    })?;
    // The first command of a fresh install: it creates and migrates the database itself.
    let mut conn = db::connect(&settings.database, 1, Schema::Migrate)?.get()?;
    if users::create(&mut conn, &user, &crate::domain::Actor::cli())?.is_none() {
        anyhow::bail!("a dashboard user {} already exists", user.email);
    }
    println!(
        "Created {} {}. They can sign in at /admin/login.",
        user.role.as_str(),
        user.email
    );
    Ok(())
}

/// The id of the dashboard user with this email, or a clear error.
fn user_id(conn: &mut db::DbConn, email: &str) -> anyhow::Result<(i64, String)> {
    let lookup = crate::domain::Email::parse(email.trim())
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|_| email.trim().to_string());
    admin_users::find_by_email(conn, &lookup)?
        .map(|u| (u.id, u.email))
        .ok_or_else(|| anyhow::anyhow!("there is no dashboard user {lookup}"))
}

pub fn admin_password(settings: &Settings, email: &str) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let (id, email) = user_id(&mut conn, email)?;
    let hash = users::hash_for(&email, &read_password(&email)?)?
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    report(
        users::set_password(&mut conn, id, &hash, &crate::domain::Actor::cli())?,
        |e| format!("Set the password of {e}; their sessions have ended."),
    )
}

pub fn admin_disable(settings: &Settings, email: &str, disabled: bool) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let (id, _) = user_id(&mut conn, email)?;
    report(
        users::set_disabled(&mut conn, id, disabled, &crate::domain::Actor::cli())?,
        |e| {
            if disabled {
                format!("Disabled {e}; their sessions have ended.")
            } else {
                format!("Enabled {e}; they can sign in again.")
            }
        },
    )
}

fn report(changed: users::Changed, done: impl FnOnce(&str) -> String) -> anyhow::Result<()> {
    match changed {
        users::Changed::Done(e) => {
            println!("{}", done(&e));
            Ok(())
        }
        users::Changed::NoSuchUser => anyhow::bail!("that dashboard user no longer exists"),
        users::Changed::Refused(why) => anyhow::bail!("{why}"),
    }
}

pub fn apikey_create(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let name = crate::domain::name::api_key(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let Some(key) = crate::auth::api_keys::create(&mut conn, name, &crate::domain::Actor::cli())?
    else {
        anyhow::bail!("an API key named {name:?} already exists; pick another name");
    };
    println!("Created API key {name:?}. Store it now: it is shown only this once.");
    println!("{key}");
    Ok(())
}

/// How `assent profile erase` names the person.
pub enum Who {
    Email(String),
    CustomId(String),
    Uuid(String),
    Phone(String),
}

pub fn profile_erase(settings: &Settings, who: Who, reason: &str) -> anyhow::Result<()> {
    use crate::consent::erase::{Erased, erase_audited};
    let reason = crate::domain::single_line("--reason", reason, 500)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("--reason must not be empty"))?;
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let (found, named) = match who {
        Who::Email(email) => {
            let email =
                crate::domain::Email::parse(&email).map_err(|e| anyhow::anyhow!("EMAIL: {e}"))?;
            let found = profiles::find_by_email(&mut conn, email.as_str())?;
            (found, format!("the address {email}"))
        }
        Who::CustomId(id) => {
            let found = profiles::find_by_custom_id(&mut conn, id.trim())?;
            (found, format!("the customId {id:?}"))
        }
        Who::Uuid(raw) => {
            let uuid = crate::domain::uuid::parse(raw.trim())
                .map_err(|e| anyhow::anyhow!("--uuid: {e}"))?;
            let found = profiles::find_by_uuid(&mut conn, &uuid)?;
            (found, format!("the uuid {uuid}"))
        }
        Who::Phone(raw) => {
            let number = crate::domain::phone::normalise(&raw, settings.phone_region)
                .map_err(|e| anyhow::anyhow!("--phone: {e}"))?;
            let found = profiles::find_one_by_phone(&mut conn, &number)?.map_err(|shared| {
                let ids: Vec<String> = shared.iter().map(i64::to_string).collect();
                anyhow::anyhow!(
                    "{} profiles share the phone {number} (ids {}): name the person by --email, --custom-id or --uuid",
                    shared.len(),
                    ids.join(", ")
                )
            })?;
            (found, format!("the phone {number}"))
        }
    };
    let Some(profile) = found else {
        anyhow::bail!("no profile has {named} (an erased profile no longer has one)");
    };
    let meta = crate::consent::Meta::staff("cli".into(), (None, None), &reason);
    let outcome = erase_audited(&mut conn, profile.id, &meta, &crate::domain::Actor::cli())?;
    match outcome {
        Erased::Now { withdrawn } => {
            println!(
                "Erased profile {}: {withdrawn} agreement{} withdrawn, personal data blanked, ledger digests kept.",
                profile.id,
                if withdrawn == 1 { "" } else { "s" }
            );
            Ok(())
        }
        Erased::Already => anyhow::bail!("profile {} was already erased", profile.id),
        Erased::NoProfile => anyhow::bail!("no profile has {named}"),
    }
}

/// Returns whether the ledger is intact: every chain, and the ledger against the anchor in `file` or,
/// without one, against every stored anchor.
pub fn ledger_verify(settings: &Settings, file: Option<&std::path::Path>) -> anyhow::Result<bool> {
    use crate::consent::anchor::{self, Standing};
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let mut verified = 0;
    let mut intact = match ledger::verify(&mut conn)? {
        Verdict::Intact { events } => {
            println!("every hash chain intact: {events} events verified");
            verified = events;
            true
        }
        Verdict::Broken {
            event_id,
            profile_id,
            reason,
        } => {
            println!("ledger BROKEN at event {event_id} (profile {profile_id}): {reason}");
            false
        }
    };
    // (what the anchor claims, or why it cannot be read; its name for the output)
    let claims: Vec<(Result<anchor::Claim, String>, String)> = match file {
        Some(f) => {
            let text = read_input(f)?;
            vec![(anchor::read(&mut conn, &text), f.display().to_string())]
        }
        None => crate::db::models::anchors::all(&mut conn)?
            .iter()
            .map(|a| {
                (
                    anchor::stored_claim(&mut conn, a),
                    format!("stored anchor {}", a.id),
                )
            })
            .collect(),
    };
    if file.is_none() && claims.is_empty() {
        println!("no anchor yet (`assent ledger anchor` makes one; the server makes one daily)");
    }
    let anchors = claims.len();
    let mut valid = Vec::new();
    for (claim, name) in claims {
        match claim {
            Ok(c) => valid.push((c, name)),
            Err(why) => {
                println!("{name} NOT valid: {why}");
                intact = false;
            }
        }
    }
    let (checked, names): (Vec<_>, Vec<_>) = valid.into_iter().unzip();
    let standings = anchor::check_all(&mut conn, &checked)?;
    for ((claim, name), standing) in checked.iter().zip(&names).zip(standings) {
        match standing {
            Standing::Holds => println!(
                "{name} holds: every chain head in {claim} is in the ledger, unchanged or extended"
            ),
            Standing::Broken { lost, more } => {
                intact = false;
                println!(
                    "{name} BROKEN: {} profile{} lost what {claim} covered:",
                    lost.len() + more,
                    if lost.len() + more == 1 { "" } else { "s" }
                );
                for l in &lost {
                    println!("  {l}");
                }
                if more > 0 {
                    println!("  … and {more} more");
                }
            }
            Standing::BrokenUnnamed { why, now } => {
                intact = false;
                println!(
                    "{name} BROKEN: the ledger no longer holds what {claim} covered (up to that event it now has {} profiles and {} events); {why}",
                    now.0, now.1
                );
            }
        }
    }
    if intact {
        println!(
            "ledger intact: {verified} events verified, {anchors} anchor{} hold{}",
            if anchors == 1 { "" } else { "s" },
            if anchors == 1 { "s" } else { "" }
        );
    }
    Ok(intact)
}

/// Anchors the ledger now and prints the anchor (JSON), for keeping where the database's owner cannot
/// rewrite it.
pub fn ledger_anchor(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let sealer = crate::domain::Sealer::new(&settings.secret_key);
    let made = crate::consent::anchor::make(&mut conn, &sealer, settings.anchor_keep)?;
    println!("{}", serde_json::to_string_pretty(&made.document)?);
    eprintln!(
        "anchor {} stored; keep this output elsewhere, and check the ledger against it with `assent ledger verify --anchor FILE`",
        made.id
    );
    Ok(())
}

/// A file's text, or standard input's for `-`.
fn read_input(file: &std::path::Path) -> anyhow::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        std::fs::File::open(file)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    }
    Ok(text)
}

/// Checks a receipt file (`-`: standard input); true when it holds. What failed is printed.
pub fn receipt_verify(settings: &Settings, file: &std::path::Path) -> anyhow::Result<bool> {
    let text = read_input(file)?;
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let c = match crate::consent::receipt::verify(&mut conn, &text) {
        Err(why) => {
            println!("receipt NOT valid: {why}");
            return Ok(false);
        }
        Ok(c) => c,
    };
    let mut holds = c.missing.is_empty();
    if holds {
        println!(
            "receipt {} valid: signed by key {}, and all {} ledger events it names are in the ledger unchanged",
            c.receipt_id, c.kid, c.events
        );
    } else {
        println!(
            "receipt {}: the signature (key {}) is valid, but {} of its {} ledger events are not in this ledger as it has them:",
            c.receipt_id,
            c.kid,
            c.missing.len(),
            c.events
        );
        for (id, agreement, what) in &c.missing {
            println!("  event {id} ({agreement}) {what}");
        }
    }
    match &c.anchor {
        None => {}
        Some(Ok(which)) => println!("anchor proof holds: {which}"),
        Some(Err(why)) => {
            println!("anchor proof FAILS: {why}");
            holds = false;
        }
    }
    Ok(holds)
}

/// A new receipt signing key from now on.
pub fn receipt_rotate(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let sealer = crate::domain::Sealer::new(&settings.secret_key);
    let kid = crate::consent::receipt::rotate(&mut conn, &sealer)?;
    println!(
        "Receipts are signed with the key {kid} from now on; earlier keys stay published, so their receipts still verify."
    );
    Ok(())
}

/// A file being written, with a progress line on standard error (rows and rate) when that is a
/// terminal: nothing extra for scripts and logs.
struct Progress<W> {
    inner: W,
    bar: Option<indicatif::ProgressBar>,
    lines: u64,
}

impl<W: std::io::Write> Progress<W> {
    fn new(inner: W) -> Progress<W> {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} rows  {per_sec}  {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.tick();
            bar
        });
        Progress {
            inner,
            bar,
            lines: 0,
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl<W: std::io::Write> std::io::Write for Progress<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(bar) = &self.bar {
            // A row is a line (every field Assent stores is one line; a progress count, not a proof).
            self.lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
            // The header is a line too.
            bar.set_position(self.lines.saturating_sub(1));
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the profiles CSV to a file or standard output, a chunk at a time.
pub fn export(
    settings: &Settings,
    agreement: Option<&str>,
    status: Option<&str>,
    audience: Option<&str>,
    columns: Option<&str>,
    output: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    use crate::exports::{Export, Filter};
    let columns = crate::exports::parse_columns(columns.unwrap_or(""))
        .map_err(|e| anyhow::anyhow!("--columns: {e}"))?;
    // One connection per export reader, and one for the filter.
    let pool = db::connect(&settings.database, 3, Schema::Require)?;
    let mut conn = pool.get()?;
    let catalog = crate::db::models::agreements::all(&mut conn)?;
    let filter = Filter::choose(&mut conn, &catalog, agreement, status, audience)?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let base_url = settings
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.bind));
    let export = Export {
        catalog,
        filter,
        signer: crate::domain::Signer::new(&settings.secret_key),
        base_url,
        cells: settings.csv,
        columns,
    };
    drop(conn);
    match output {
        Some(path) => {
            // Written beside it and renamed at the end: a failed export never leaves a partial file
            // where a complete one is expected (or in place of the previous one).
            let mut partial = path.clone().into_os_string();
            partial.push(".partial");
            let partial = std::path::PathBuf::from(partial);
            let written = (|| -> anyhow::Result<u64> {
                let file = std::fs::File::create(&partial)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", partial.display()))?;
                let mut w = Progress::new(std::io::BufWriter::with_capacity(256 * 1024, file));
                let rows = export.write_all(&pool, &mut w)?;
                std::io::Write::flush(&mut w)?;
                w.finish();
                std::fs::rename(&partial, &path)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                Ok(rows)
            })();
            let rows = written.inspect_err(|_| {
                let _ = std::fs::remove_file(&partial);
            })?;
            eprintln!("{rows} profiles written to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, stdout.lock());
            export.write_all(&pool, &mut w)?;
            std::io::Write::flush(&mut w)?;
        }
    }
    Ok(())
}

/// `assent integration add`: exactly one way of authentication (clap makes them a group).
pub fn integration_add(
    settings: &Settings,
    name: &str,
    proof: crate::integrations::Proof,
) -> anyhow::Result<()> {
    use crate::integrations as i;
    let new = i::prepare(name, proof).map_err(anyhow::Error::msg)?;
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let sealer = crate::domain::Sealer::new(&settings.secret_key);
    if !i::add(&mut conn, &new, &crate::domain::Actor::cli(), &sealer)? {
        anyhow::bail!("an integration named {} already exists", new.name);
    }
    let route = if new.auth.is_sms() { "sms" } else { "webhook" };
    println!(
        "Added the integration {} ({}): it sends to /integrations/{}/{route}.",
        new.name, new.auth, new.name
    );
    if let Some(secret) = new.shown {
        println!("Its Standard Webhooks secret (shown once):");
        println!("{secret}");
    }
    Ok(())
}

pub fn webhook_add(
    settings: &Settings,
    draft: crate::webhooks::Draft,
    secret: Option<&str>,
) -> anyhow::Result<()> {
    if let Some(s) = secret {
        crate::domain::signing::check_secret(s).map_err(|e| anyhow::anyhow!("--secret: {e}"))?;
    }
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let checked = crate::webhooks::check(&mut conn, &draft, settings.allow_private_targets)?
        .map_err(anyhow::Error::msg)?;
    let (id, secret) = crate::webhooks::add(
        &mut conn,
        &checked,
        &crate::domain::Actor::cli(),
        &crate::domain::Sealer::new(&settings.secret_key),
        secret,
    )?;
    println!(
        "Added webhook {id}: {} gets {}.",
        checked.url,
        checked.events.replace(',', ", ")
    );
    println!("Its signing secret (shown once; verify webhook-signature with it):");
    println!("{secret}");
    Ok(())
}

pub fn webhook_list(settings: &Settings) -> anyhow::Result<()> {
    use crate::db::models::outbox::{self, Lane};
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let now = crate::db::now();
    for e in crate::db::models::webhook_endpoints::all(&mut conn)? {
        let s = outbox::summary(&mut conn, Lane::Webhook(e.id), now)?;
        let status = match (&e.paused_at, &e.disabled_reason) {
            (Some(_), Some(why)) => format!("disabled ({why})"),
            (Some(_), None) => "paused".to_string(),
            _ => "active".to_string(),
        };
        println!(
            "{}\t{}\t{}\t{status}\t{} queued, {} dead, {} delivered in 24 h",
            e.id, e.url, e.events, s.queued, s.dead, s.sent_last_day
        );
    }
    Ok(())
}

pub fn webhook_act(
    settings: &Settings,
    id: i64,
    action: crate::webhooks::Action,
) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    if !crate::webhooks::act(&mut conn, id, action, &crate::domain::Actor::cli())? {
        anyhow::bail!("there is no webhook {id}; assent webhook list shows them");
    }
    let done = match action {
        crate::webhooks::Action::Pause => "Paused",
        crate::webhooks::Action::Resume => "Resumed",
        crate::webhooks::Action::Delete => "Deleted",
    };
    println!("{done} webhook {id}.");
    Ok(())
}

pub fn webhook_rotate(settings: &Settings, id: i64) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let Some(secret) = crate::webhooks::rotate(
        &mut conn,
        id,
        &crate::domain::Actor::cli(),
        &crate::domain::Sealer::new(&settings.secret_key),
    )?
    else {
        anyhow::bail!("there is no webhook {id}; assent webhook list shows them");
    };
    println!("Webhook {id} has a new secret; the old one also signs for the next 24 hours:");
    println!("{secret}");
    Ok(())
}

pub fn sendfile_add(settings: &Settings, draft: crate::sendfile::Draft) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let id = crate::sendfile::add(
        &mut conn,
        &draft,
        settings.allow_private_targets,
        &crate::domain::Actor::cli(),
    )?
    .map_err(anyhow::Error::msg)?;
    let s = crate::db::models::sendfiles::find(&mut conn, id)?
        .ok_or_else(|| anyhow::anyhow!("it vanished"))?;
    println!(
        "Added send-file {}: {} to {}, first run at {} UTC.",
        s.name,
        crate::sendfile::Schedule::from(&s).describe(),
        s.target,
        s.next_run_at.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}

/// Runs a send-file now in this process (or, if a server took the run first, waits for its outcome).
pub fn sendfile_run(settings: &Settings, name: &str) -> anyhow::Result<()> {
    use crate::sendfile::worker::{Runner, outcome};
    let pool = db::connect(&settings.database, 4, Schema::Require)?;
    let mut conn = pool.get()?;
    let s = crate::db::models::sendfiles::find_by_name(&mut conn, name)?.ok_or_else(|| {
        anyhow::anyhow!("there is no send-file named {name}; assent sendfile list shows them")
    })?;
    let id = crate::db::write_tx(&mut conn, |c| {
        crate::sendfile::create_run(c, s.id, "manual", "cli")
    })?
    .map_err(|open| anyhow::anyhow!("{open}"))?;
    drop(conn);
    let runner = Runner {
        pool: pool.clone(),
        node: crate::node::Node::cli(),
        allow_private: settings.allow_private_targets,
        proxy: settings.outgoing_proxy.clone(),
        base_url: settings
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", settings.bind)),
        signer: crate::domain::Signer::new(&settings.secret_key),
        data_dir: settings.data_dir.clone(),
        cells: settings.csv,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sent = match rt.block_on(runner.run(id))? {
        Some(sent) => sent,
        None => loop {
            // A server took the run first: its outcome is the answer.
            std::thread::sleep(std::time::Duration::from_millis(200));
            let job = crate::db::models::jobs::find(&mut *pool.get()?, id)?
                .ok_or_else(|| anyhow::anyhow!("run {id} vanished"))?;
            if !job.is_open() {
                break outcome(&job);
            }
        },
    };
    match sent {
        Ok(s) => {
            println!(
                "Sent {} rows ({} bytes) to {} in {:.1} s.",
                s.rows,
                s.bytes,
                name,
                s.millis as f64 / 1000.0
            );
            Ok(())
        }
        Err(e) => anyhow::bail!("send-file {name} failed: {e}"),
    }
}

pub fn sendfile_list(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    for s in crate::db::models::sendfiles::all(&mut conn)? {
        println!(
            "{}\t{}\t{}\tnext {} UTC\t{}",
            s.name,
            s.target,
            crate::sendfile::Schedule::from(&s).describe(),
            if s.paused_at.is_some() {
                "(paused)".to_string()
            } else {
                s.next_run_at.format("%Y-%m-%d %H:%M").to_string()
            },
            match (s.failures, s.last_success_at) {
                (0, Some(t)) => format!("last success {} UTC", t.format("%Y-%m-%d %H:%M")),
                (0, None) => "not run yet".into(),
                (n, _) => format!("{n} failed runs in a row"),
            }
        );
        if let Some(k) = &s.host_key {
            println!("\thost key {k}");
        }
    }
    Ok(())
}

pub fn sendfile_act(
    settings: &Settings,
    name: &str,
    act: crate::sendfile::Act,
) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    if !crate::sendfile::act(&mut conn, name, act, &crate::domain::Actor::cli())? {
        anyhow::bail!("there is no send-file named {name}; assent sendfile list shows them");
    }
    println!(
        "{name}: {}",
        match act {
            crate::sendfile::Act::Pause => "paused; it runs only when asked",
            crate::sendfile::Act::Resume => "resumed",
            crate::sendfile::Act::Delete => "deleted",
        }
    );
    Ok(())
}

pub fn sendfile_forget_host_key(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let forgot = crate::sendfile::forget_host_key(&mut conn, name, &crate::domain::Actor::cli())?
        .map_err(anyhow::Error::msg)?;
    match forgot {
        Some(k) => println!("Forgot {k}; the next run of {name} pins the key the server shows."),
        None => println!("{name} had no pinned host key."),
    }
    Ok(())
}

pub fn integration_list(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    for i in crate::db::models::integrations::all(&mut conn)? {
        println!(
            "{}\t{}\t{}\tlast used {}",
            i.name,
            i.auth,
            if i.disabled_at.is_some() {
                "disabled"
            } else {
                "active"
            },
            i.last_used_at.map_or("never".into(), |t| t
                .format("%Y-%m-%d %H:%M UTC")
                .to_string())
        );
    }
    Ok(())
}

pub fn integration_disable(settings: &Settings, name: &str, disable: bool) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    if !crate::integrations::set_disabled(&mut conn, name, disable, &crate::domain::Actor::cli())? {
        anyhow::bail!("there is no integration named {name}");
    }
    println!("{} {name}.", if disable { "Disabled" } else { "Enabled" });
    Ok(())
}
