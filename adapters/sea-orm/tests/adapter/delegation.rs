use std::collections::BTreeSet;

use portico_delegation::ports::{
    Acceptance, DelegateRepository, DelegateWriteError, GrantRepository, NewInvitation,
    ProductRepository,
};
use portico_delegation::{
    DelegateStatus, IssuedInvitation, Product, ProductId, ProductName, Scope,
};
use portico_kernel::{AccountId, AuditEntry, ClientInfo, EmailAddress, SecretToken};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaDelegates, SeaProducts};
use portico_security::SecurityEventKind;

use crate::support::{at, event_kinds, notice, on_both_engines, registered};

fn id(text: &str) -> ProductId {
    ProductId::parse(text).unwrap()
}

fn product(account: AccountId, product: &str) -> Product {
    Product {
        account,
        id: id(product),
        name: Some(ProductName::parse(&format!("Product {product}")).unwrap()),
        updated_at: at(0),
    }
}

/// The owner's audit-trail line, as the app's bridge writes it.
fn event(owner: AccountId, kind: SecurityEventKind) -> AuditEntry {
    let detail = Some("bob@example.com".into());
    AuditEntry::new(owner, kind.as_str(), at(1), &ClientInfo::default(), detail)
}

fn invitation(owner: AccountId, email: &str, scope: Scope) -> (NewInvitation, SecretToken) {
    let issued =
        IssuedInvitation::issue(owner, EmailAddress::parse(email).unwrap(), scope, at(0)).unwrap();
    let token = issued.token;
    (
        NewInvitation {
            digest: token.digest(),
            event: event(owner, SecurityEventKind::DelegateInvited),
            mail: notice(owner, email, "delegate_invitation"),
            owner_notices: vec![],
            delegate: issued.delegate,
        },
        token,
    )
}

fn acceptance(
    invitation: &NewInvitation,
    token: &SecretToken,
    delegate: AccountId,
    second: i64,
) -> Acceptance {
    Acceptance {
        id: invitation.delegate.id,
        digest: token.digest(),
        delegate,
        at: at(second),
        event: event(
            invitation.delegate.owner,
            SecurityEventKind::DelegateAccepted,
        ),
        notices: vec![notice(
            invitation.delegate.owner,
            "ada@example.com",
            "delegate_accepted",
        )],
    }
}

async fn products_are_synced_and_leave_scopes_when_removed(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let products = SeaProducts::new(db.connection());
    assert!(products.upsert(&product(ada, "p2")).await.unwrap());
    assert!(products.upsert(&product(ada, "p1")).await.unwrap());
    let mut renamed = product(ada, "p1");
    renamed.name = Some(ProductName::parse("Renamed").unwrap());
    assert!(products.upsert(&renamed).await.unwrap());
    assert!(
        !products
            .upsert(&product(AccountId::generate(), "p1"))
            .await
            .unwrap()
    );

    let listed = products.list(ada).await.unwrap();
    assert_eq!(
        listed.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["p1", "p2"]
    );
    assert_eq!(listed[0].name.as_ref().unwrap().as_str(), "Renamed");
    assert_eq!(
        products.owned(ada, &[id("p1"), id("p9")]).await.unwrap(),
        BTreeSet::from([id("p1")])
    );

    let delegates = SeaDelegates::new(db.connection());
    let (invited, _) = invitation(
        ada,
        "bob@example.com",
        Scope::Products(BTreeSet::from([id("p1"), id("p2")])),
    );
    delegates.invite(&invited).await.unwrap();
    assert!(products.remove(ada, &id("p1")).await.unwrap());
    assert!(!products.remove(ada, &id("p1")).await.unwrap());
    let scope = delegates
        .find(ada, invited.delegate.id)
        .await
        .unwrap()
        .unwrap()
        .scope;
    assert_eq!(scope, Scope::Products(BTreeSet::from([id("p2")])));
}
on_both_engines!(
    products,
    super::products_are_synced_and_leave_scopes_when_removed
);

async fn an_invitation_is_accepted_once_in_time_and_becomes_a_grant(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let bob = registered(&db, "bob", "bob@example.com").await;
    SeaProducts::new(db.connection())
        .upsert(&product(ada, "p1"))
        .await
        .unwrap();
    let delegates = SeaDelegates::new(db.connection());
    let (first, first_token) = invitation(ada, "bob@example.com", Scope::All);
    delegates.invite(&first).await.unwrap();
    // A newer invitation to the same address supersedes the pending one.
    let (invited, token) = invitation(
        ada,
        "Bob@Example.com",
        Scope::Products(BTreeSet::from([id("p1")])),
    );
    delegates.invite(&invited).await.unwrap();
    assert_eq!(
        delegates
            .find_invitation(&first_token.digest())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        delegates
            .list(ada, &portico_kernel::PageRequest::first())
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    let late = delegates
        .accept(&acceptance(&invited, &token, bob, 7 * 24 * 3600))
        .await;
    assert!(matches!(late, Err(DelegateWriteError::NotFound)));
    delegates
        .accept(&acceptance(&invited, &token, bob, 60))
        .await
        .unwrap();
    let again = delegates
        .accept(&acceptance(&invited, &token, bob, 61))
        .await;
    assert!(matches!(again, Err(DelegateWriteError::NotFound)));
    assert_eq!(
        delegates.find_invitation(&token.digest()).await.unwrap(),
        None
    );

    let grant = delegates
        .find(ada, invited.delegate.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grant.status, DelegateStatus::Active);
    assert_eq!(grant.delegate, Some(bob));
    assert_eq!(grant.accepted_at, Some(at(60)));
    assert_eq!(
        delegates.grant(ada, bob).await.unwrap(),
        Some(Scope::Products(BTreeSet::from([id("p1")])))
    );
    assert_eq!(delegates.delegated_to(bob).await.unwrap().len(), 1);
    assert_eq!(
        delegates.find(bob, invited.delegate.id).await.unwrap(),
        None
    );

    // Inviting the same address again while it is an active delegate is refused.
    let (duplicate, _) = invitation(ada, "bob@example.com", Scope::All);
    assert!(matches!(
        delegates.invite(&duplicate).await,
        Err(DelegateWriteError::AlreadyDelegate)
    ));

    delegates
        .change_scope(
            ada,
            invited.delegate.id,
            &Scope::All,
            &event(ada, SecurityEventKind::DelegateScopeChanged),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(delegates.grant(ada, bob).await.unwrap(), Some(Scope::All));
    delegates
        .revoke(
            ada,
            invited.delegate.id,
            DelegateStatus::Active,
            &event(ada, SecurityEventKind::DelegateRevoked),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(delegates.grant(ada, bob).await.unwrap(), None);
    assert!(delegates.delegated_to(bob).await.unwrap().is_empty());
    let twice = delegates
        .revoke(
            ada,
            invited.delegate.id,
            DelegateStatus::Active,
            &event(ada, SecurityEventKind::DelegateRevoked),
            &[],
        )
        .await;
    assert!(matches!(twice, Err(DelegateWriteError::NotFound)));
    assert_eq!(
        event_kinds(&db, ada).await,
        [
            "delegate_revoked",
            "delegate_scope_changed",
            "delegate_accepted",
            "delegate_invited",
            "delegate_invited"
        ]
    );
}
on_both_engines!(
    acceptance,
    super::an_invitation_is_accepted_once_in_time_and_becomes_a_grant
);

async fn a_scope_naming_a_removed_product_writes_nothing(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let products = SeaProducts::new(db.connection());
    products.upsert(&product(ada, "p1")).await.unwrap();
    let delegates = SeaDelegates::new(db.connection());
    let (invited, _) = invitation(
        ada,
        "bob@example.com",
        Scope::Products(BTreeSet::from([id("p1"), id("p2")])),
    );

    let result = delegates.invite(&invited).await;

    assert!(matches!(result, Err(DelegateWriteError::ProductGone)));
    assert_eq!(
        delegates.find(ada, invited.delegate.id).await.unwrap(),
        None
    );
    assert!(event_kinds(&db, ada).await.is_empty());
    assert!(
        !products
            .upsert(&product(AccountId::generate(), "p1"))
            .await
            .unwrap()
    );
}
on_both_engines!(
    product_gone,
    super::a_scope_naming_a_removed_product_writes_nothing
);

async fn racing_invitations_to_one_address_leave_one_pending(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let ada = registered(&db, "ada", "ada@example.com").await;
    let delegates = SeaDelegates::new(db.connection());
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let delegates = delegates.clone();
            let (invited, _) = invitation(ada, "dee@example.com", Scope::All);
            tokio::spawn(async move { delegates.invite(&invited).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let live = delegates
        .list(ada, &portico_kernel::PageRequest::first())
        .await
        .unwrap();
    assert_eq!(live.items.len(), 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_invitations_on_a_sqlite_file() {
    racing_invitations_to_one_address_leave_one_pending(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_invitations_on_postgres() {
    racing_invitations_to_one_address_leave_one_pending(Engine::Postgres).await;
}

async fn racing_acceptances_of_one_invitation_grant_once(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let ada = registered(&db, "ada", "ada@example.com").await;
    let bob = registered(&db, "bob", "bob@example.com").await;
    let carl = registered(&db, "carl", "carl@example.com").await;
    let delegates = SeaDelegates::new(db.connection());
    let (invited, token) = invitation(ada, "bob@example.com", Scope::All);
    delegates.invite(&invited).await.unwrap();

    let tasks: Vec<_> = [bob, carl, bob, carl]
        .into_iter()
        .map(|account| {
            let delegates = delegates.clone();
            let accept = acceptance(&invited, &token, account, 60);
            tokio::spawn(async move { delegates.accept(&accept).await })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => granted += 1,
            Err(DelegateWriteError::NotFound) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    assert_eq!(granted, 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_acceptances_on_a_sqlite_file() {
    racing_acceptances_of_one_invitation_grant_once(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_acceptances_on_postgres() {
    racing_acceptances_of_one_invitation_grant_once(Engine::Postgres).await;
}
