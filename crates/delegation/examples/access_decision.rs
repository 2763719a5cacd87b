//! Delegation's access decision on its own: may this person act on this product of
//! this account? Products and grants live in memory here; a platform service would
//! implement the same two ports over its own storage and ask before every delegated
//! request.
//!
//! Run it with `cargo run -p portico-delegation --example access_decision`; the test
//! suite runs it too.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use portico_delegation::ports::{GrantRepository, ProductRepository};
use portico_delegation::{
    AccessDecisions, Delegate, DelegateStatus, Product, ProductId, ProductName, Scope,
};
use portico_kernel::{AccountId, DelegateId, EmailAddress, StorageError, async_trait};
use time::{Duration, OffsetDateTime};

/// Products and active grants in memory, behind one lock, so removing a product
/// drops it from every scope at once, as the real adapter's transaction does.
#[derive(Default)]
struct MemoryDelegation(Mutex<State>);

#[derive(Default)]
struct State {
    products: Vec<Product>,
    grants: Vec<Delegate>,
}

impl MemoryDelegation {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An active grant from `owner` to the account `delegate` that accepted the
    /// invitation sent to `email`.
    fn grant_access(
        &self,
        owner: AccountId,
        delegate: AccountId,
        email: EmailAddress,
        scope: Scope,
    ) {
        let now = OffsetDateTime::now_utc();
        self.state().grants.push(Delegate {
            id: DelegateId::generate(),
            owner,
            email,
            scope,
            status: DelegateStatus::Active,
            delegate: Some(delegate),
            invited_at: now,
            expires_at: now + Duration::days(7),
            accepted_at: Some(now),
        });
    }
}

#[async_trait]
impl ProductRepository for MemoryDelegation {
    async fn list(&self, account: AccountId) -> Result<Vec<Product>, StorageError> {
        let state = self.state();
        let owned = state.products.iter().filter(|p| p.account == account);
        Ok(owned.cloned().collect())
    }

    async fn owned(
        &self,
        account: AccountId,
        ids: &[ProductId],
    ) -> Result<BTreeSet<ProductId>, StorageError> {
        let state = self.state();
        Ok(state
            .products
            .iter()
            .filter(|p| p.account == account && ids.contains(&p.id))
            .map(|p| p.id.clone())
            .collect())
    }

    async fn upsert(&self, product: &Product) -> Result<bool, StorageError> {
        let mut state = self.state();
        state
            .products
            .retain(|p| !(p.account == product.account && p.id == product.id));
        state.products.push(product.clone());
        Ok(true)
    }

    async fn remove(&self, account: AccountId, id: &ProductId) -> Result<bool, StorageError> {
        let mut state = self.state();
        let before = state.products.len();
        state
            .products
            .retain(|p| !(p.account == account && &p.id == id));
        for grant in state.grants.iter_mut().filter(|g| g.owner == account) {
            if let Scope::Products(named) = &mut grant.scope {
                named.remove(id);
            }
        }
        Ok(state.products.len() < before)
    }
}

#[async_trait]
impl GrantRepository for MemoryDelegation {
    async fn delegated_to(&self, actor: AccountId) -> Result<Vec<Delegate>, StorageError> {
        let state = self.state();
        let active = state
            .grants
            .iter()
            .filter(|g| g.delegate == Some(actor) && g.status == DelegateStatus::Active);
        Ok(active.cloned().collect())
    }

    async fn grant(
        &self,
        owner: AccountId,
        actor: AccountId,
    ) -> Result<Option<Scope>, StorageError> {
        let state = self.state();
        Ok(state
            .grants
            .iter()
            .find(|g| {
                g.owner == owner && g.delegate == Some(actor) && g.status == DelegateStatus::Active
            })
            .map(|g| g.scope.clone()))
    }
}

fn product(
    account: AccountId,
    id: &str,
    name: &str,
) -> Result<Product, Box<dyn std::error::Error>> {
    Ok(Product {
        account,
        id: ProductId::parse(id)?,
        name: Some(ProductName::parse(name)?),
        updated_at: OffsetDateTime::now_utc(),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ada = AccountId::generate();
    let bob = AccountId::generate();
    let eve = AccountId::generate();
    let store = Arc::new(MemoryDelegation::default());
    store.upsert(&product(ada, "vps-17", "VPS Berlin")?).await?;
    store.upsert(&product(ada, "mail-3", "Mail Basic")?).await?;
    let vps = ProductId::parse("vps-17")?;
    let mail = ProductId::parse("mail-3")?;
    let bobs_address = EmailAddress::parse("bob@example.com")?;
    let only_the_vps = Scope::Products(BTreeSet::from([vps.clone()]));
    store.grant_access(ada, bob, bobs_address, only_the_vps);

    let access = AccessDecisions::new(store.clone(), store.clone());

    assert!(
        access.decide(ada, ada, &mail).await?,
        "the owner acts on its own"
    );
    assert!(
        access.decide(bob, ada, &vps).await?,
        "bob's scope names the VPS"
    );
    assert!(
        !access.decide(bob, ada, &mail).await?,
        "but not the mailbox"
    );
    assert!(!access.decide(eve, ada, &vps).await?, "eve has no grant");
    let missing = ProductId::parse("vps-404")?;
    assert!(
        !access.decide(ada, ada, &missing).await?,
        "nobody acts on what is not there"
    );

    let reach = access.delegated_accounts(bob).await?;
    assert_eq!(reach.len(), 1);
    println!(
        "bob acts for {} on {:?}",
        reach[0].owner,
        reach[0]
            .products
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
    );

    // The billing system removes the VPS: the very next decision says no.
    store.remove(ada, &vps).await?;
    assert!(!access.decide(bob, ada, &vps).await?);
    println!("after the VPS is removed, bob may act on nothing of ada's");
    Ok(())
}
