//! What a delegate may act on: all of the account's products, or some of them.

use std::collections::BTreeSet;

use crate::product::ProductId;

/// A delegate's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every product of the account, including ones added later.
    All,
    /// These products only (each one the account's own when granted).
    Products(BTreeSet<ProductId>),
}

/// Most products a scope may name.
pub const MAX_SCOPE_PRODUCTS: usize = 200;

/// Why a scope is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// A product scope must name at least one product.
    #[error("name at least one product, or grant all")]
    Empty,
    /// A product scope names too many products.
    #[error("a scope names at most {MAX_SCOPE_PRODUCTS} products")]
    TooMany,
    /// Products the granting account does not own.
    #[error("not your products: {}", .0.iter().map(ProductId::as_str).collect::<Vec<_>>().join(", "))]
    NotOwned(Vec<ProductId>),
}

impl Scope {
    /// Whether the scope covers `product`, which the account owns (ownership is the
    /// caller's to check, at decision time).
    pub fn covers(&self, product: &ProductId) -> bool {
        match self {
            Self::All => true,
            Self::Products(products) => products.contains(product),
        }
    }

    /// The products named, for a product scope.
    pub fn named(&self) -> Vec<ProductId> {
        match self {
            Self::All => Vec::new(),
            Self::Products(products) => products.iter().cloned().collect(),
        }
    }

    /// Checks what can be checked without storage: a product scope is not empty and
    /// not too long.
    pub fn check_shape(&self) -> Result<(), ScopeError> {
        match self {
            Self::All => Ok(()),
            Self::Products(products) if products.is_empty() => Err(ScopeError::Empty),
            Self::Products(products) if products.len() > MAX_SCOPE_PRODUCTS => {
                Err(ScopeError::TooMany)
            }
            Self::Products(_) => Ok(()),
        }
    }

    /// Checks a scope about to be granted against the products the account owns:
    /// a product scope is not empty, not too long, and names only owned products.
    pub fn check(&self, owned: &BTreeSet<ProductId>) -> Result<(), ScopeError> {
        self.check_shape()?;
        let Self::Products(products) = self else {
            return Ok(());
        };
        let foreign: Vec<ProductId> = products.difference(owned).cloned().collect();
        if foreign.is_empty() {
            Ok(())
        } else {
            Err(ScopeError::NotOwned(foreign))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> BTreeSet<ProductId> {
        list.iter()
            .map(|id| ProductId::parse(id).unwrap())
            .collect()
    }

    #[test]
    fn all_covers_every_product_and_a_list_only_its_own() {
        let p1 = ProductId::parse("p1").unwrap();
        let p2 = ProductId::parse("p2").unwrap();
        assert!(Scope::All.covers(&p1));
        let some = Scope::Products(ids(&["p1"]));
        assert!(some.covers(&p1));
        assert!(!some.covers(&p2));
    }

    #[test]
    fn a_granted_scope_names_only_owned_products() {
        let owned = ids(&["p1", "p2"]);
        assert_eq!(Scope::All.check(&owned), Ok(()));
        assert_eq!(Scope::All.check(&BTreeSet::new()), Ok(()));
        assert_eq!(Scope::Products(ids(&["p2"])).check(&owned), Ok(()));
        assert_eq!(
            Scope::Products(ids(&["p2", "p9"])).check(&owned),
            Err(ScopeError::NotOwned(vec![ProductId::parse("p9").unwrap()]))
        );
        assert_eq!(
            Scope::Products(BTreeSet::new()).check(&owned),
            Err(ScopeError::Empty)
        );
        let many: BTreeSet<ProductId> = (0..=MAX_SCOPE_PRODUCTS)
            .map(|n| ProductId::parse(&format!("p{n}")).unwrap())
            .collect();
        assert_eq!(
            Scope::Products(many.clone()).check(&many),
            Err(ScopeError::TooMany)
        );
    }
}
