//! The rules for removing an email address.
//!
//! They are plain functions over the account's addresses so that the storage adapter
//! can apply them inside the transaction that deletes, where no concurrent request can
//! change the addresses between the check and the delete.

use portico_kernel::EmailId;

use crate::account::AccountEmail;

/// Why an address may not be removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RemovalRefused {
    /// The account has no address with this id.
    #[error("no such email address")]
    NotFound,
    /// The primary address receives every notification; make another one primary
    /// first.
    #[error("the primary address cannot be removed; make another address primary first")]
    Primary,
    /// Without a verified address the account could not recover its password.
    #[error("the last verified address cannot be removed")]
    LastVerified,
}

/// Whether the address `id` may be removed from an account that has `emails`.
pub fn check_removal(emails: &[AccountEmail], id: EmailId) -> Result<(), RemovalRefused> {
    let target = emails
        .iter()
        .find(|email| email.id == id)
        .ok_or(RemovalRefused::NotFound)?;
    if target.primary {
        return Err(RemovalRefused::Primary);
    }
    let verified_others = emails
        .iter()
        .filter(|email| email.verified && email.id != id)
        .count();
    if target.verified && verified_others == 0 {
        return Err(RemovalRefused::LastVerified);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_kernel::EmailAddress;
    use time::OffsetDateTime;

    fn email(address: &str, verified: bool, primary: bool) -> AccountEmail {
        AccountEmail {
            id: EmailId::generate(),
            address: EmailAddress::parse(address).unwrap(),
            verified,
            primary,
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_primary_address_is_never_removed() {
        let primary = email("a@example.com", true, true);
        let other = email("b@example.com", true, false);
        let id = primary.id;
        assert_eq!(
            check_removal(&[primary, other], id),
            Err(RemovalRefused::Primary)
        );
    }

    #[test]
    fn the_last_verified_address_is_never_removed() {
        let primary = email("a@example.com", false, true);
        let verified = email("b@example.com", true, false);
        let id = verified.id;
        assert_eq!(
            check_removal(&[primary, verified], id),
            Err(RemovalRefused::LastVerified)
        );
    }

    #[test]
    fn a_secondary_address_goes_when_another_verified_one_stays() {
        let primary = email("a@example.com", true, true);
        let verified = email("b@example.com", true, false);
        let unverified = email("c@example.com", false, false);
        let (v, u) = (verified.id, unverified.id);
        let all = [primary, verified, unverified];
        assert_eq!(check_removal(&all, v), Ok(()));
        assert_eq!(check_removal(&all, u), Ok(()));
    }

    #[test]
    fn an_unknown_address_is_not_found() {
        let primary = email("a@example.com", true, true);
        assert_eq!(
            check_removal(&[primary], EmailId::generate()),
            Err(RemovalRefused::NotFound)
        );
    }
}
