//! Unit tests of [`super::Delegates`] and [`crate::services::Invitations`].

use std::collections::BTreeSet;

use super::*;
use crate::ports::{DelegateWriteError, MockDelegateRepository, MockProductRepository};
use crate::product::ProductId;
use crate::services::invitations::Invitations;
use portico_kernel::contact::MockAccountContacts;
use portico_kernel::mail::plain::PlainComposer;
use portico_kernel::{FixedClock, SecretToken};
use portico_kernel::{LanguageTag, Username};
use time::{Duration, OffsetDateTime};

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
}

fn address(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

/// An account whose primary address is `{mailbox}@example.com`.
fn contact(mailbox: &str, verified: &[&str]) -> AccountContact {
    AccountContact {
        username: Username::parse(&format!("{mailbox}-user")).unwrap(),
        primary_email: address(&format!("{mailbox}@example.com")),
        verified_emails: verified.iter().map(|a| address(a)).collect(),
        all_emails: vec![address(&format!("{mailbox}@example.com"))],
        language: LanguageTag::english(),
    }
}

/// An audit trail that names each kind after its variant, so a test reads what the
/// service recorded.
struct VariantNames;

impl DelegateAudit for VariantNames {
    fn entry(&self, event: &DelegateEvent) -> AuditEntry {
        let kind = match event.kind {
            DelegateEventKind::Invited => "invited",
            DelegateEventKind::Accepted => "accepted",
            DelegateEventKind::ScopeChanged => "scope_changed",
            DelegateEventKind::Revoked => "revoked",
        };
        AuditEntry::new(
            event.owner,
            kind,
            event.at,
            &event.client,
            Some(event.detail.clone()),
        )
    }
}

struct Doubles {
    delegates: MockDelegateRepository,
    products: MockProductRepository,
    contacts: MockAccountContacts,
}

impl Doubles {
    fn new() -> Self {
        let mut products = MockProductRepository::new();
        products.expect_owned().returning(|_, ids| {
            Ok(ids
                .iter()
                .filter(|p| p.as_str().starts_with("own"))
                .cloned()
                .collect())
        });
        let mut contacts = MockAccountContacts::new();
        contacts
            .expect_contact()
            .returning(|_| Ok(Some(contact("ada", &[]))));
        Self {
            delegates: MockDelegateRepository::new(),
            products,
            contacts,
        }
    }

    /// The shared ports, and the products only the owner's side reads.
    fn into_parts(self) -> (DelegatePorts, Arc<dyn ProductRepository>) {
        let clock: Arc<dyn Clock> = Arc::new(FixedClock::at(now()));
        let ports = DelegatePorts {
            delegates: Arc::new(self.delegates),
            contacts: Arc::new(self.contacts),
            composer: Arc::new(PlainComposer),
            audit: Arc::new(VariantNames),
            clock,
        };
        (ports, Arc::new(self.products))
    }
}

fn products(ids: &[&str]) -> Scope {
    Scope::Products(
        ids.iter()
            .map(|id| ProductId::parse(id).unwrap())
            .collect::<BTreeSet<_>>(),
    )
}

fn delegates(d: Doubles) -> Delegates {
    let (ports, products) = d.into_parts();
    Delegates::new(ports, products, "https://portal.example")
}

#[tokio::test]
async fn nobody_invites_themselves_or_grants_what_they_do_not_own() {
    let mut d = Doubles::new();
    d.delegates.expect_invite().times(0);
    let service = delegates(d);
    let owner = AccountId::generate();

    let myself = service
        .invite(
            owner,
            address("ADA@example.com"),
            Scope::All,
            &ClientInfo::default(),
        )
        .await;
    let foreign = service
        .invite(
            owner,
            address("bo@example.com"),
            products(&["own-1", "theirs"]),
            &ClientInfo::default(),
        )
        .await;
    let empty = service
        .invite(
            owner,
            address("bo@example.com"),
            products(&[]),
            &ClientInfo::default(),
        )
        .await;

    assert!(matches!(myself, Err(DelegateError::SelfInvitation)));
    assert!(matches!(
        foreign,
        Err(DelegateError::InvalidScope(ScopeError::NotOwned(ids))) if ids == vec![ProductId::parse("theirs").unwrap()]
    ));
    assert!(matches!(
        empty,
        Err(DelegateError::InvalidScope(ScopeError::Empty))
    ));
}

#[tokio::test]
async fn an_invitation_mails_a_link_whose_token_is_stored_only_as_a_digest() {
    let mut d = Doubles::new();
    d.delegates
        .expect_invite()
        .withf(|invitation| {
            let sent = invitation.mail.secret_delivery.as_ref().unwrap();
            let token = sent
                .text
                .split("accept-invitation?token=")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap();
            invitation.digest == SecretToken::from_client(token).digest()
                && invitation.mail.to.as_str() == "bo@example.com"
                && invitation.mail.stored.text.contains("token=REDACTED")
                && invitation.event.kind == "invited"
                && invitation.event.detail.as_deref() == Some("bo@example.com: products own-1")
                && invitation.delegate.expires_at == now() + Duration::days(7)
                && invitation.owner_notices.len() == 1
                && invitation.owner_notices[0].to.as_str() == "ada@example.com"
        })
        .times(1)
        .returning(|_| Ok(()));

    let delegate = delegates(d)
        .invite(
            AccountId::generate(),
            address("bo@example.com"),
            products(&["own-1"]),
            &ClientInfo::default(),
        )
        .await
        .unwrap();

    assert_eq!(delegate.status, DelegateStatus::Pending);
}

fn stored(owner: AccountId, status: DelegateStatus, delegate: Option<AccountId>) -> Delegate {
    Delegate {
        id: DelegateId::generate(),
        owner,
        email: address("bo@example.com"),
        scope: Scope::All,
        status,
        delegate,
        invited_at: now(),
        expires_at: now() + Duration::days(7),
        accepted_at: None,
    }
}

#[tokio::test]
async fn a_revoked_delegate_cannot_be_rescoped_or_revoked_again() {
    let owner = AccountId::generate();
    let mut d = Doubles::new();
    d.delegates
        .expect_find()
        .returning(move |_, _| Ok(Some(stored(owner, DelegateStatus::Revoked, None))));
    d.delegates.expect_change_scope().times(0);
    d.delegates.expect_revoke().times(0);
    let service = delegates(d);
    let id = DelegateId::generate();

    let rescoped = service
        .change_scope(owner, id, Scope::All, &ClientInfo::default())
        .await;
    let revoked = service.revoke(owner, id, &ClientInfo::default()).await;

    assert!(matches!(rescoped, Err(DelegateError::NotFound)));
    assert!(matches!(revoked, Err(DelegateError::NotFound)));
}

#[tokio::test]
async fn revoking_an_active_delegate_tells_it_by_mail() {
    let owner = AccountId::generate();
    let delegate = AccountId::generate();
    let mut d = Doubles::new();
    d.delegates
        .expect_find()
        .returning(move |_, _| Ok(Some(stored(owner, DelegateStatus::Active, Some(delegate)))));
    d.delegates
        .expect_revoke()
        .withf(|_, _, expected, event, notices| {
            *expected == DelegateStatus::Active
                && event.kind == "revoked"
                && notices.len() == 2
                && notices[0].template == "delegate_revoked"
                && notices[1].template == "delegates_changed"
                && notices[1].to.as_str() == "ada@example.com"
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok(()));

    delegates(d)
        .revoke(owner, DelegateId::generate(), &ClientInfo::default())
        .await
        .unwrap();
}

fn invitations(
    found: Option<Delegate>,
    acceptor_verified: &'static [&'static str],
) -> (Invitations, AccountId) {
    let acceptor = AccountId::generate();
    let mut d = Doubles::new();
    d.delegates
        .expect_find_invitation()
        .returning(move |_| Ok(found.clone()));
    d.contacts.checkpoint();
    d.contacts.expect_contact().returning(move |account| {
        Ok(Some(if account == acceptor {
            contact("bo", acceptor_verified)
        } else {
            contact("ada", &[])
        }))
    });
    d.delegates
        .expect_accept()
        .withf(move |a| a.delegate == acceptor && a.notices[0].template == "delegate_accepted")
        .returning(|_| Ok(()));
    (Invitations::new(d.into_parts().0), acceptor)
}

#[tokio::test]
async fn only_the_holder_of_the_verified_address_accepts_in_time() {
    let owner = AccountId::generate();
    let pending = stored(owner, DelegateStatus::Pending, None);

    let (wrong, acceptor) = invitations(Some(pending.clone()), &["other@example.com"]);
    let result = wrong
        .accept(
            acceptor,
            &SecretToken::from_client("t"),
            &ClientInfo::default(),
        )
        .await;
    assert!(matches!(result, Err(DelegateError::WrongAccount)));

    let mut expired = pending.clone();
    expired.expires_at = now();
    let (late, acceptor) = invitations(Some(expired), &["bo@example.com"]);
    let result = late
        .accept(
            acceptor,
            &SecretToken::from_client("t"),
            &ClientInfo::default(),
        )
        .await;
    assert!(matches!(result, Err(DelegateError::InvalidToken)));

    let (own, _) = invitations(Some(pending.clone()), &["bo@example.com"]);
    let result = own
        .accept(
            owner,
            &SecretToken::from_client("t"),
            &ClientInfo::default(),
        )
        .await;
    assert!(matches!(result, Err(DelegateError::OwnInvitation)));

    let (right, acceptor) = invitations(Some(pending), &["Bo@Example.com"]);
    let accepted = right
        .accept(
            acceptor,
            &SecretToken::from_client("t"),
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert_eq!(accepted.status, DelegateStatus::Active);
    assert_eq!(accepted.delegate, Some(acceptor));
}

#[tokio::test]
async fn a_revocation_racing_an_acceptance_reads_again_and_tells_the_new_delegate() {
    let owner = AccountId::generate();
    let delegate = AccountId::generate();
    let mut d = Doubles::new();
    let mut reads = 0;
    d.delegates.expect_find().returning(move |_, _| {
        reads += 1;
        Ok(Some(if reads == 1 {
            stored(owner, DelegateStatus::Pending, None)
        } else {
            stored(owner, DelegateStatus::Active, Some(delegate))
        }))
    });
    d.delegates
        .expect_revoke()
        .withf(|_, _, expected, _, _| *expected == DelegateStatus::Pending)
        .times(1)
        .returning(|_, _, _, _, _| Err(DelegateWriteError::NotFound));
    d.delegates
        .expect_revoke()
        .withf(|_, _, expected, _, notices| {
            *expected == DelegateStatus::Active && notices.len() == 2
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok(()));

    delegates(d)
        .revoke(owner, DelegateId::generate(), &ClientInfo::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_scope_change_to_a_product_not_owned_changes_nothing() {
    let owner = AccountId::generate();
    let mut d = Doubles::new();
    d.delegates
        .expect_find()
        .returning(move |_, _| Ok(Some(stored(owner, DelegateStatus::Active, None))));
    d.delegates.expect_change_scope().times(0);

    let result = delegates(d)
        .change_scope(
            owner,
            DelegateId::generate(),
            products(&["own-1", "theirs"]),
            &ClientInfo::default(),
        )
        .await;

    assert!(matches!(
        result,
        Err(DelegateError::InvalidScope(ScopeError::NotOwned(_)))
    ));
}
