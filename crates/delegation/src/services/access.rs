//! The access decision: may this actor act on this product of this account?

use std::sync::Arc;

use portico_kernel::{AccountId, StorageError};

use crate::ports::{GrantRepository, ProductRepository};
use crate::product::{Product, ProductId};
use crate::scope::Scope;

/// An account a delegate may act for, with the products in reach now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegatedAccount {
    /// The owner.
    pub owner: AccountId,
    /// The scope granted.
    pub scope: Scope,
    /// The owner's products the scope covers today.
    pub products: Vec<Product>,
}

/// Answers access questions from the current grants and products, every time: no
/// cache, so a revocation or a narrowed scope applies to the very next decision.
#[derive(Clone)]
pub struct AccessDecisions {
    products: Arc<dyn ProductRepository>,
    grants: Arc<dyn GrantRepository>,
}

impl AccessDecisions {
    /// Wires the service.
    pub fn new(products: Arc<dyn ProductRepository>, grants: Arc<dyn GrantRepository>) -> Self {
        Self { products, grants }
    }

    /// Whether `actor` may act on `product` of `account`: the product must be the
    /// account's, and the actor the account itself or an active delegate whose scope
    /// covers the product.
    #[tracing::instrument(name = "AccessDecisions::decide", skip_all, fields(actor = %actor, account = %account, product = %product))]
    pub async fn decide(
        &self,
        actor: AccountId,
        account: AccountId,
        product: &ProductId,
    ) -> Result<bool, StorageError> {
        let owned = self
            .products
            .owned(account, std::slice::from_ref(product))
            .await?;
        if !owned.contains(product) {
            return Ok(false);
        }
        if actor == account {
            return Ok(true);
        }
        Ok(self
            .grants
            .grant(account, actor)
            .await?
            .is_some_and(|scope| scope.covers(product)))
    }

    /// The accounts `actor` may act for, each with the products in reach.
    #[tracing::instrument(name = "AccessDecisions::delegated_accounts", skip_all, fields(actor = %actor))]
    pub async fn delegated_accounts(
        &self,
        actor: AccountId,
    ) -> Result<Vec<DelegatedAccount>, StorageError> {
        let mut accounts = Vec::new();
        for grant in self.grants.delegated_to(actor).await? {
            let products = self
                .products
                .list(grant.owner)
                .await?
                .into_iter()
                .filter(|product| grant.scope.covers(&product.id))
                .collect();
            accounts.push(DelegatedAccount {
                owner: grant.owner,
                scope: grant.scope,
                products,
            });
        }
        Ok(accounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockGrantRepository, MockProductRepository};
    use std::collections::BTreeSet;

    fn id(text: &str) -> ProductId {
        ProductId::parse(text).unwrap()
    }

    fn owning(owned: &'static [&'static str]) -> MockProductRepository {
        let mut products = MockProductRepository::new();
        products.expect_owned().returning(move |_, ids| {
            Ok(ids
                .iter()
                .filter(|p| owned.contains(&p.as_str()))
                .cloned()
                .collect())
        });
        products
    }

    fn granting(scope: Option<Scope>) -> MockGrantRepository {
        let mut delegates = MockGrantRepository::new();
        delegates
            .expect_grant()
            .returning(move |_, _| Ok(scope.clone()));
        delegates
    }

    fn decisions(
        products: MockProductRepository,
        delegates: MockGrantRepository,
    ) -> AccessDecisions {
        AccessDecisions::new(Arc::new(products), Arc::new(delegates))
    }

    #[tokio::test]
    async fn the_owner_acts_on_its_own_products_only() {
        let owner = AccountId::generate();
        let mut delegates = MockGrantRepository::new();
        delegates.expect_grant().times(0);
        let access = decisions(owning(&["p1"]), delegates);
        assert!(access.decide(owner, owner, &id("p1")).await.unwrap());
        assert!(!access.decide(owner, owner, &id("p2")).await.unwrap());
    }

    #[tokio::test]
    async fn a_delegate_acts_within_its_scope_on_owned_products() {
        let (owner, actor) = (AccountId::generate(), AccountId::generate());
        let some = Scope::Products(BTreeSet::from([id("p1")]));
        let access = decisions(owning(&["p1", "p2"]), granting(Some(some)));
        assert!(access.decide(actor, owner, &id("p1")).await.unwrap());
        assert!(!access.decide(actor, owner, &id("p2")).await.unwrap());

        let all = decisions(owning(&["p1", "p2"]), granting(Some(Scope::All)));
        assert!(all.decide(actor, owner, &id("p2")).await.unwrap());
        // A product the owner no longer has is out of reach whatever the scope.
        assert!(!all.decide(actor, owner, &id("p3")).await.unwrap());
    }

    #[tokio::test]
    async fn without_an_active_grant_nobody_else_acts() {
        let (owner, actor) = (AccountId::generate(), AccountId::generate());
        let access = decisions(owning(&["p1"]), granting(None));
        assert!(!access.decide(actor, owner, &id("p1")).await.unwrap());
    }
}
