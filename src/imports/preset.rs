//! Presets for the exports of the tools people move from: a file's known columns mapped to their
//! targets, the values every row of that kind of file shares, and what becomes of the other columns.
//! The layouts follow each tool's documentation (see tests/fixtures/presets/README.md):
//! - Mailchimp audience exports (subscribed, unsubscribed and cleaned members), one column per merge
//!   field besides the fixed ones; times are in the account's time zone (`--timezone`);
//! - listmonk subscriber exports (`uuid,email,name,attributes,status,created_at,updated_at`);
//! - Synerise profile exports: the batch API's fields, agreements by key.

use super::map::Unmapped;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Mailchimp,
    Listmonk,
    Synerise,
}

/// What a preset makes of a file with these columns.
#[derive(Debug, PartialEq)]
pub struct Plan {
    /// `SOURCE=TARGET` for each known column the file has.
    pub pairs: Vec<(String, String)>,
    /// `TARGET=VALUE` every row shares.
    pub set: Vec<(String, String)>,
    pub unmapped: Unmapped,
    /// The kind of file it is, in words (for the summary and the dry run).
    pub kind: &'static str,
    /// The same as a catalogue's message id (`import-kind-<id>`), for the dashboard.
    pub id: &'static str,
}

pub const ALL: [Preset; 3] = [Preset::Mailchimp, Preset::Listmonk, Preset::Synerise];

impl Preset {
    pub fn parse(name: &str) -> Result<Preset, String> {
        ALL.into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| format!("{name:?} is not a tool Assent imports from: give mailchimp, listmonk or synerise"))
    }

    /// As stored on ledger events (`origin`) and written in options.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Mailchimp => "mailchimp",
            Preset::Listmonk => "listmonk",
            Preset::Synerise => "synerise",
        }
    }

    /// The tool's own name.
    pub fn title(self) -> &'static str {
        match self {
            Preset::Mailchimp => "Mailchimp",
            Preset::Listmonk => "listmonk",
            Preset::Synerise => "Synerise",
        }
    }

    /// The plan for a file with these columns; `agreement` is the agreement a subscriber list stands for
    /// (Mailchimp and listmonk; default `newsletter_agreement`). Refused, naming the columns expected
    /// and found, when the file is not this tool's export.
    /// `split_name`: listmonk's `name` split into first and last name (else all of it is the first name).
    pub fn plan(
        self,
        columns: &[String],
        agreement: Option<&str>,
        split_name: bool,
    ) -> Result<Plan, String> {
        let has = |c: &str| columns.iter().any(|k| k == c);
        let agreement = agreement.unwrap_or("newsletter_agreement");
        let expect = |needed: &[&str]| -> Result<(), String> {
            if needed.iter().all(|c| has(c)) {
                return Ok(());
            }
            Err(format!(
                "this is not a {} export: it needs the columns {}, and has {}",
                self.title(),
                needed.join(", "),
                columns.join(", ")
            ))
        };
        let known = |table: &[(&str, &str)]| -> Vec<(String, String)> {
            table
                .iter()
                .filter(|(c, _)| has(c))
                .map(|(c, t)| (c.to_string(), t.to_string()))
                .collect()
        };
        match self {
            Preset::Mailchimp => {
                expect(&["Email Address"])?;
                // Later columns win where two give the same target and both are filled: the
                // confirmation over the opt-in (double opt-in), as Mailchimp orders them.
                let mut pairs = known(&[
                    ("Email Address", "email"),
                    ("First Name", "firstName"),
                    ("Last Name", "lastName"),
                    ("Phone Number", "phone"),
                    ("OPTIN_TIME", "consentedAt"),
                    ("OPTIN_IP", "ip"),
                    ("CONFIRM_TIME", "consentedAt"),
                    ("CONFIRM_IP", "ip"),
                    ("UNSUB_TIME", "withdrawnAt"),
                    ("UNSUB_REASON", "reason"),
                    ("UNSUB_REASON_OTHER", "reason"),
                    ("CLEAN_TIME", "attributes.cleanedAt"),
                    ("LEID", "attributes.mailchimpLeid"),
                    ("EUID", "attributes.mailchimpEuid"),
                ]);
                let (kind, id, set) = if has("UNSUB_TIME") {
                    (
                        "Mailchimp unsubscribed members",
                        "mailchimp-unsubscribed",
                        vec![(agreement, "disabled")],
                    )
                } else if has("CLEAN_TIME") {
                    // Addresses that bounced: no consent changes, the address is marked.
                    (
                        "Mailchimp cleaned members",
                        "mailchimp-cleaned",
                        vec![("attributes.undeliverable", "true")],
                    )
                } else {
                    (
                        "Mailchimp subscribed members",
                        "mailchimp-subscribed",
                        vec![(agreement, "enabled")],
                    )
                };
                // Campaign ids and titles of an unsubscribe or clean say nothing about the person.
                for c in [
                    "UNSUB_CAMPAIGN_TITLE",
                    "UNSUB_CAMPAIGN_ID",
                    "CLEAN_CAMPAIGN_TITLE",
                    "CLEAN_CAMPAIGN_ID",
                ] {
                    if has(c) {
                        pairs.push((c.into(), "-".into()));
                    }
                }
                Ok(Plan {
                    pairs,
                    set: owned(&set),
                    unmapped: Unmapped::Attributes,
                    kind,
                    id,
                })
            }
            Preset::Listmonk => {
                expect(&["email", "status"])?;
                Ok(Plan {
                    pairs: known(&[
                        ("uuid", "attributes.listmonkUuid"),
                        ("email", "email"),
                        ("name", if split_name { "fullName" } else { "firstName" }),
                        ("attributes", "attributes"),
                        ("status", "listmonkStatus"),
                        ("created_at", "consentedAt"),
                        ("updated_at", "withdrawnAt"),
                    ]),
                    set: Vec::new(),
                    unmapped: Unmapped::Attributes,
                    kind: "listmonk subscribers",
                    id: "listmonk",
                })
            }
            Preset::Synerise => {
                if !["email", "customId", "uuid", "phone"]
                    .iter()
                    .any(|c| has(c))
                {
                    return Err(format!(
                        "this is not a Synerise export: it needs an email, customId, uuid or phone column, and has {}",
                        columns.join(", ")
                    ));
                }
                Ok(Plan {
                    // The batch shape's `agreements` object, as CSV writes it: one column per channel.
                    // Synerise's further channels set an agreement of that key where one exists (see
                    // `imports::mapper`); else the column stays an attribute.
                    pairs: known(&[
                        ("clientId", "attributes.syneriseClientId"),
                        ("agreements.email", "newsletter_agreement"),
                        ("agreements.sms", "sms_agreement"),
                        ("agreements.push", "push_agreement"),
                        ("agreements.webPush", "webpush_agreement"),
                        ("agreements.bluetooth", "bluetooth_agreement"),
                        ("agreements.rfid", "rfid_agreement"),
                        ("agreements.wifi", "wifi_agreement"),
                    ]),
                    set: Vec::new(),
                    unmapped: Unmapped::Attributes,
                    kind: "Synerise profiles",
                    id: "synerise",
                })
            }
        }
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &str) -> Vec<String> {
        names.split(',').map(String::from).collect()
    }

    #[test]
    fn a_mailchimp_export_is_told_by_its_columns() {
        let sub = cols("Email Address,First Name,OPTIN_TIME,CONFIRM_TIME,TAGS");
        let plan = Preset::Mailchimp.plan(&sub, None, false).unwrap();
        assert_eq!(plan.set, owned(&[("newsletter_agreement", "enabled")]));
        let unsub = cols("Email Address,UNSUB_TIME,UNSUB_CAMPAIGN_ID");
        let plan = Preset::Mailchimp
            .plan(&unsub, Some("promo_agreement"), false)
            .unwrap();
        assert_eq!(plan.set, owned(&[("promo_agreement", "disabled")]));
        assert!(
            plan.pairs
                .contains(&("UNSUB_CAMPAIGN_ID".into(), "-".into()))
        );
        let wrong = Preset::Mailchimp
            .plan(&cols("email,status"), None, false)
            .unwrap_err();
        assert!(
            wrong.contains("Email Address") && wrong.contains("email, status"),
            "{wrong}"
        );
        assert!(Preset::Listmonk.plan(&sub, None, false).is_err());
        assert_eq!(Preset::parse("MailChimp"), Ok(Preset::Mailchimp));
        // Every kind of file has its words in the catalogue (i18n's catalogue test holds the other
        // languages to the English one).
        let kinds = [
            (Preset::Mailchimp, "Email Address"),
            (Preset::Mailchimp, "Email Address,UNSUB_TIME"),
            (Preset::Mailchimp, "Email Address,CLEAN_TIME"),
            (Preset::Listmonk, "email,status"),
            (Preset::Synerise, "email"),
        ];
        for (preset, columns) in kinds {
            let id = preset.plan(&cols(columns), None, false).unwrap().id;
            for lang in crate::i18n::Lang::all() {
                let said = lang.t(&format!("import-kind-{id}"));
                assert!(
                    !said.is_empty() && !said.contains("import-kind"),
                    "{} {id}: {said}",
                    lang.code()
                );
            }
        }
        assert!(Preset::parse("hubspot").is_err());
    }
}
