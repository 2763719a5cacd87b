//! Identity on its own: registration and the phone book over in-memory storage, as a
//! platform team would embed the crate in a service of theirs. Every port is an
//! `#[portico_kernel::async_trait]` impl of a few lines; no database, no other
//! Portico crate.
//!
//! Run it with `cargo run -p portico-identity --example phone_book_and_registration`;
//! the test suite runs it too.

use std::sync::{Arc, Mutex, PoisonError};

use portico_identity::ports::PhoneWriteError;
use portico_identity::ports::{AccountRepository, CreateAccountError, PhoneRepository};
use portico_identity::{
    E164Phone, EmailVerification, LanguageTag, Links, NewAccount, PersonName, Phone, PhoneBook,
    PhoneChange, PhoneError, PhoneLabel, Profile, ProfileChange, RegisterError, Registration,
    Registrations, Username,
};
use portico_kernel::mail::plain::PlainComposer;
use portico_kernel::{
    AccountId, CredentialPreparer, Cursor, EmailAddress, NewMessage, Page, PageRequest, Password,
    PasswordHash, PasswordRejection, PhoneId, PrepareCredentialError, StorageError, SystemClock,
    async_trait,
};

/// Accounts and the mail they were sent, in memory.
#[derive(Default)]
struct MemoryAccounts {
    accounts: Mutex<Vec<Profile>>,
    emails: Mutex<Vec<EmailAddress>>,
    outbox: Mutex<Vec<NewMessage>>,
}

#[async_trait]
impl AccountRepository for MemoryAccounts {
    async fn create(
        &self,
        account: &NewAccount,
        _verification: &EmailVerification,
        welcome: &NewMessage,
    ) -> Result<(), CreateAccountError> {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        let mut emails = self.emails.lock().unwrap_or_else(PoisonError::into_inner);
        let registration = &account.registration;
        let name = registration.username.as_str();
        if accounts
            .iter()
            .any(|a| a.username.as_str().eq_ignore_ascii_case(name))
        {
            return Err(CreateAccountError::UsernameTaken);
        }
        if emails.iter().any(|e| e.key() == registration.email.key()) {
            return Err(CreateAccountError::EmailTaken);
        }
        // One lock order and no await in between: the account, its address and its
        // welcome mail appear together, as the real adapter's transaction does.
        accounts.push(Profile {
            id: account.id,
            username: registration.username.clone(),
            first_name: registration.first_name.clone(),
            last_name: registration.last_name.clone(),
            language: registration.language.clone(),
            created_at: account.created_at,
        });
        emails.push(registration.email.clone());
        self.outbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(welcome.clone());
        Ok(())
    }

    async fn profile(&self, account: AccountId) -> Result<Option<Profile>, StorageError> {
        let accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(accounts.iter().find(|a| a.id == account).cloned())
    }

    async fn update_profile(
        &self,
        account: AccountId,
        change: &ProfileChange,
    ) -> Result<Option<Profile>, StorageError> {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(profile) = accounts.iter_mut().find(|a| a.id == account) else {
            return Ok(None);
        };
        if let Some(name) = &change.first_name {
            profile.first_name = name.clone();
        }
        if let Some(name) = &change.last_name {
            profile.last_name = name.clone();
        }
        if let Some(language) = &change.language {
            profile.language = language.clone();
        }
        Ok(Some(profile.clone()))
    }
}

/// Phone numbers in memory, listed oldest first in pages.
#[derive(Default)]
struct MemoryPhones(Mutex<Vec<(AccountId, Phone)>>);

impl MemoryPhones {
    fn rows(&self) -> std::sync::MutexGuard<'_, Vec<(AccountId, Phone)>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn cursor(phone: &Phone) -> Cursor {
    Cursor {
        created_at: phone.created_at,
        id: phone.id.to_string(),
    }
}

#[async_trait]
impl PhoneRepository for MemoryPhones {
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Phone>, StorageError> {
        let mut phones: Vec<Phone> = self
            .rows()
            .iter()
            .filter(|(owner, _)| *owner == account)
            .map(|(_, phone)| phone.clone())
            .collect();
        phones.sort_by_key(|p| (p.created_at, p.id.to_string()));
        let after = page.after().map(|c| (c.created_at, c.id.clone()));
        let rows = phones
            .into_iter()
            .filter(|p| {
                after
                    .as_ref()
                    .is_none_or(|a| (p.created_at, p.id.to_string()) > *a)
            })
            .take(usize::try_from(page.limit()).unwrap_or(usize::MAX) + 1)
            .collect();
        Ok(Page::from_overfetch(rows, page, cursor))
    }

    async fn count(&self, account: AccountId) -> Result<u64, StorageError> {
        let rows = self.rows();
        Ok(rows.iter().filter(|(owner, _)| *owner == account).count() as u64)
    }

    async fn find(&self, account: AccountId, id: PhoneId) -> Result<Option<Phone>, StorageError> {
        let rows = self.rows();
        let found = rows
            .iter()
            .find(|(owner, p)| *owner == account && p.id == id);
        Ok(found.map(|(_, phone)| phone.clone()))
    }

    async fn insert(&self, account: AccountId, phone: &Phone) -> Result<(), PhoneWriteError> {
        let mut rows = self.rows();
        if rows
            .iter()
            .any(|(owner, p)| *owner == account && p.number == phone.number)
        {
            return Err(PhoneWriteError::Duplicate);
        }
        rows.push((account, phone.clone()));
        Ok(())
    }

    async fn update(&self, account: AccountId, phone: &Phone) -> Result<bool, PhoneWriteError> {
        let mut rows = self.rows();
        let taken = rows
            .iter()
            .any(|(owner, p)| *owner == account && p.id != phone.id && p.number == phone.number);
        if taken {
            return Err(PhoneWriteError::Duplicate);
        }
        let Some((_, stored)) = rows
            .iter_mut()
            .find(|(owner, p)| *owner == account && p.id == phone.id)
        else {
            return Ok(false);
        };
        *stored = phone.clone();
        Ok(true)
    }

    async fn delete(&self, account: AccountId, id: PhoneId) -> Result<bool, StorageError> {
        let mut rows = self.rows();
        let before = rows.len();
        rows.retain(|(owner, p)| !(*owner == account && p.id == id));
        Ok(rows.len() < before)
    }
}

/// Stands in for the first password's check and hash. A real service hands identity
/// security's `Passwords` here (the kernel's `CredentialPreparer`, see
/// portico-security's `policy_and_hasher` example); this stand-in keeps the example
/// on identity alone and stores no password.
struct LengthOnly;

#[async_trait]
impl CredentialPreparer for LengthOnly {
    async fn prepare(
        &self,
        password: &Password,
        _username: &Username,
        _email: &EmailAddress,
    ) -> Result<PasswordHash, PrepareCredentialError> {
        let length = password.expose().chars().count();
        if length < 12 {
            return Err(PrepareCredentialError::Rejected(
                PasswordRejection::TooShort { min: 12 },
            ));
        }
        Ok(PasswordHash::from_phc(format!("$example$length={length}")))
    }
}

fn registration(username: &str, email: &str) -> Result<Registration, Box<dyn std::error::Error>> {
    Ok(Registration {
        username: Username::parse(username)?,
        email: EmailAddress::parse(email)?,
        first_name: PersonName::parse("Ada")?,
        last_name: PersonName::parse("Lovelace")?,
        language: LanguageTag::parse("en")?,
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let accounts = Arc::new(MemoryAccounts::default());
    let registrations = Registrations::new(
        accounts.clone(),
        Arc::new(LengthOnly),
        Arc::new(PlainComposer),
        Links::new("https://portal.example"),
        Arc::new(SystemClock),
    );

    let short = Password::new("too short".into());
    let refused = registrations
        .register(registration("ada", "ada@example.com")?, &short)
        .await;
    assert!(matches!(refused, Err(RegisterError::PasswordRejected(_))));

    let password = Password::new("violet tractor sings".into());
    let ada = registrations
        .register(registration("ada", "ada@example.com")?, &password)
        .await?;
    let taken = registrations
        .register(registration("ADA", "other@example.com")?, &password)
        .await;
    assert!(matches!(taken, Err(RegisterError::UsernameTaken)));
    let welcome = accounts
        .outbox
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert_eq!(welcome.len(), 1);
    assert!(welcome[0].stored.text.contains("token=REDACTED"));
    println!(
        "registered {} ({}), welcome mail queued",
        ada.username, ada.id
    );

    let phones = PhoneBook::new(Arc::new(MemoryPhones::default()), Arc::new(SystemClock));
    let mobile = phones
        .add(
            ada.id,
            E164Phone::parse("+44 20 7946 0958")?,
            Some(PhoneLabel::parse("office")?),
        )
        .await?;
    let again = phones
        .add(ada.id, E164Phone::parse("+442079460958")?, None)
        .await;
    assert!(matches!(again, Err(PhoneError::Duplicate)));
    let relabelled = phones
        .change(
            ada.id,
            mobile.id,
            PhoneChange {
                label: Some(None),
                ..PhoneChange::default()
            },
        )
        .await?;
    assert_eq!(relabelled.label, None);
    let stranger = AccountId::generate();
    let theirs = phones.remove(stranger, mobile.id).await;
    assert!(matches!(theirs, Err(PhoneError::NotFound)));

    let listed = phones.list(ada.id, &PageRequest::first()).await?;
    assert_eq!(listed.items.len(), 1);
    println!("{} lists {}", ada.username, listed.items[0].number);
    Ok(())
}
