//! The one-shot CLI commands.

use crate::config::Settings;
use crate::consent::ledger::{self, Verdict};
use crate::db::models::{admin_users, api_keys, audit_log, profiles};
use crate::db::{self, Schema};

pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db::connect(&settings.database, 1, Schema::Leave)?.get()?;
    let ran = db::migrate(&mut conn)?;
    println!(
        "{}: applied {ran} migration{}; the database is up to date",
        settings.database.engine(),
        if ran == 1 { "" } else { "s" }
    );
    Ok(())
}

pub fn admin_create(settings: &Settings, email: &str, role: &str) -> anyhow::Result<()> {
    use crate::auth::{Role, password};
    use std::io::IsTerminal;
    let email = crate::domain::Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = Role::parse(role).map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let secret = match std::env::var("ASSENT_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        Some(p) => p,
        None => {
            if std::io::stdin().is_terminal() {
                eprint!(
                    "Password for {email} (at least {} characters): ",
                    password::MIN_LEN
                );
            }
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    password::check_strength(&secret, email.as_str()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = password::hash(&secret)?;
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let now = db::now();
    let user = admin_users::NewAdminUser {
        email: email.as_str(),
        role: role.as_str(),
        password_hash: &hash,
        password_changed_at: now,
        created_at: now,
    };
    admin_users::insert(&mut conn, &user).map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => anyhow::anyhow!("a dashboard user {email} already exists"),
        e => e.into(),
    })?;
    audit_log::record(
        &mut conn,
        "cli",
        "user.create",
        email.as_str(),
        Some(role.as_str()),
        None,
    )?;
    println!(
        "Created {} {email}. They can sign in at /admin/login.",
        role.as_str()
    );
    Ok(())
}

pub fn apikey_create(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let name = api_keys::check_name(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let (key, hash) = crate::routes::api::new_key();
    if api_keys::insert(&mut conn, name, &hash)?.is_none() {
        anyhow::bail!("an API key named {name:?} already exists; pick another name");
    }
    audit_log::record(&mut conn, "cli", "apikey.create", name, None, None)?;
    println!("Created API key {name:?}. Store it now: it is shown only this once.");
    println!("{key}");
    Ok(())
}

pub fn profile_erase(settings: &Settings, email: &str, reason: &str) -> anyhow::Result<()> {
    use crate::consent::erase::{Erased, erase};
    let email = crate::domain::Email::parse(email).map_err(|e| anyhow::anyhow!("EMAIL: {e}"))?;
    let reason = crate::domain::single_line("--reason", reason, 500)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("--reason must not be empty"))?;
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    let Some(profile) = profiles::find_by_email(&mut conn, email.as_str())? else {
        anyhow::bail!("no profile has the address {email} (an erased profile no longer has one)");
    };
    let meta = crate::consent::Meta::staff("cli".into(), (None, None), &reason);
    let outcome = crate::consent::write_tx(&mut conn, |c| {
        let outcome = erase(c, profile.id, &meta)?;
        if let Erased::Now { .. } = outcome {
            let subject = format!("profile {}", profile.id);
            audit_log::record(c, "cli", "profile.erase", &subject, Some(&reason), None)?;
        }
        Ok::<_, crate::consent::ApplyError>(outcome)
    })?;
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
        Erased::NoProfile => anyhow::bail!("no profile has the address {email}"),
    }
}

/// Returns whether the ledger is intact.
pub fn ledger_verify(settings: &Settings) -> anyhow::Result<bool> {
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
    match ledger::verify(&mut conn)? {
        Verdict::Intact { events } => {
            println!("ledger intact: {events} events verified");
            Ok(true)
        }
        Verdict::Broken {
            event_id,
            profile_id,
            reason,
        } => {
            println!("ledger BROKEN at event {event_id} (profile {profile_id}): {reason}");
            Ok(false)
        }
    }
}

/// Writes the profiles CSV to a file or standard output, a chunk at a time.
pub fn export(
    settings: &Settings,
    agreement: Option<&str>,
    status: Option<&str>,
    audience: Option<&str>,
    output: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    use crate::exports::{Export, Filter};
    let mut conn = db::connect(&settings.database, 1, Schema::Require)?.get()?;
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
    };
    match output {
        Some(path) => {
            let file = std::fs::File::create(&path)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, file);
            let rows = export.write_all(&mut conn, &mut w)?;
            std::io::Write::flush(&mut w)?;
            eprintln!("{rows} profiles written to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, stdout.lock());
            export.write_all(&mut conn, &mut w)?;
            std::io::Write::flush(&mut w)?;
        }
    }
    Ok(())
}
