//! Fixtures and the macro that runs one body on both engines.

use portico_identity::ports::AccountRepository as _;
use portico_identity::{
    EmailVerification, LanguageTag, NewAccount, PersonName, Registration, Username,
};
use portico_kernel::{AccountId, EmailAddress, EmailId, MessageId, PasswordHash};
use portico_mail_log::{Content, NewMessage};
use portico_sea_orm::{Database, SeaAccounts};
use time::OffsetDateTime;

/// Defines `mod $name { sqlite, postgres }`, each running `$body(Database)`.
macro_rules! on_both_engines {
    ($name:ident, $body:path) => {
        mod $name {
            use portico_sea_orm::testing::{Engine, TestDatabase};

            #[tokio::test]
            async fn sqlite() {
                let test_db = TestDatabase::new(Engine::Sqlite).await.unwrap();
                $body(test_db.database().clone()).await;
                test_db.finish().await.unwrap();
            }

            #[tokio::test]
            async fn postgres() {
                let test_db = TestDatabase::new(Engine::Postgres).await.unwrap();
                $body(test_db.database().clone()).await;
                test_db.finish().await.unwrap();
            }
        }
    };
}
pub(crate) use on_both_engines;

/// A fixed instant with whole microseconds, as the clock would give.
pub fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_767_225_600 + seconds).unwrap()
}

pub fn hash(tag: &str) -> PasswordHash {
    PasswordHash::from_phc(format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ${tag}"))
}

pub fn new_account(username: &str, email: &str) -> NewAccount {
    NewAccount {
        id: AccountId::generate(),
        email_id: EmailId::generate(),
        registration: Registration {
            username: Username::parse(username).unwrap(),
            email: EmailAddress::parse(email).unwrap(),
            first_name: PersonName::parse("Ada").unwrap(),
            last_name: PersonName::parse("Lovelace").unwrap(),
            language: LanguageTag::parse("en-GB").unwrap(),
        },
        password_hash: hash("aGFzaA"),
        created_at: at(0),
    }
}

/// Stores a new account with its verification and welcome message, as registration
/// does.
pub async fn create(
    accounts: &SeaAccounts,
    account: &NewAccount,
) -> Result<(), portico_identity::ports::CreateAccountError> {
    let (_, verification) = EmailVerification::issue(account.email_id, account.created_at).unwrap();
    let welcome = welcome_message(account);
    accounts.create(account, &verification, &welcome).await
}

/// A welcome message for a new account (content is irrelevant to storage tests).
pub fn welcome_message(account: &NewAccount) -> NewMessage {
    let id = MessageId::generate();
    NewMessage {
        id,
        account: Some(account.id),
        to: account.registration.email.clone(),
        template: "welcome",
        language: "en".into(),
        stored: Content {
            subject: "Welcome".into(),
            text: "token=REDACTED".into(),
            html: "<p>token=REDACTED</p>".into(),
        },
        secret_delivery: None,
        message_id_header: format!("<{id}@mail.example>"),
        created_at: account.created_at,
    }
}

/// Registers an account and returns its id.
pub async fn registered(db: &Database, username: &str, email: &str) -> AccountId {
    let account = new_account(username, email);
    create(&SeaAccounts::new(db.connection()), &account)
        .await
        .unwrap();
    account.id
}

/// A notice to `to` for the account (content is irrelevant to storage tests).
pub fn notice(account: AccountId, to: &str, template: &'static str) -> NewMessage {
    let id = MessageId::generate();
    NewMessage {
        id,
        account: Some(account),
        to: EmailAddress::parse(to).unwrap(),
        template,
        language: "en".into(),
        stored: Content {
            subject: "Notice".into(),
            text: "Something changed.".into(),
            html: "<p>Something changed.</p>".into(),
        },
        secret_delivery: None,
        message_id_header: format!("<{id}@mail.example>"),
        created_at: at(0),
    }
}

/// An audit event of the account at `second`.
pub fn event(
    account: AccountId,
    kind: portico_security::SecurityEventKind,
    second: i64,
) -> portico_security::SecurityEvent {
    portico_security::SecurityEvent::new(
        account,
        kind,
        at(second),
        &portico_security::ClientInfo::new(Some("192.0.2.1".parse().unwrap()), None),
        None,
    )
}

/// The audit event of the login that opens `session`, stored with it.
pub fn login_event(session: &portico_security::Session) -> portico_security::SecurityEvent {
    portico_security::SecurityEvent::new(
        session.account,
        portico_security::SecurityEventKind::LoginSucceeded,
        session.created_at,
        &session.client,
        Some("factor: password".into()),
    )
}

/// The kinds of the account's audit events, newest first.
pub async fn event_kinds(db: &Database, account: AccountId) -> Vec<&'static str> {
    use portico_security::SecurityEventRepository as _;
    portico_sea_orm::SeaSecurityEvents::new(db.connection())
        .list(account, &portico_kernel::PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.kind.as_str())
        .collect()
}
