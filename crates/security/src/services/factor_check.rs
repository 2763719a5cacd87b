//! Checking a typed second-factor code as far as the domain can.

use portico_kernel::StorageError;
use time::OffsetDateTime;

use crate::second_factor_code::SecondFactorCode;
use crate::seed_vault::SeedVault;
use crate::two_factor::{SecondFactorProof, TwoFactorRecord};

/// The proof a code gives for an account with two-factor on, or `None` when it
/// certainly gives none: a TOTP code that matches no step near `now`, or only a step
/// already used; text that is neither a TOTP code nor a recovery code. A recovery
/// code is only checked for its form here; storage decides whether it is unused when
/// it deletes it.
///
/// A seed that does not open is an error, not a wrong code: it means the seed key
/// setting changed, and the operator must hear of it.
pub(crate) fn proof_for(
    vault: &SeedVault,
    record: &TwoFactorRecord,
    code: &SecondFactorCode,
    now: OffsetDateTime,
) -> Result<Option<SecondFactorProof>, StorageError> {
    match code {
        SecondFactorCode::Totp(code) => {
            let seed = vault
                .open(record.account, &record.sealed_seed)
                .map_err(StorageError::new)?;
            Ok(seed
                .matching_step(code, now)
                .filter(|step| record.accepts_step(*step))
                .map(|step| SecondFactorProof::Totp { step }))
        }
        SecondFactorCode::Recovery(digest) => {
            Ok(Some(SecondFactorProof::RecoveryCode(digest.clone())))
        }
        SecondFactorCode::Unreadable => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recovery::RecoveryCode;
    use crate::totp::TotpSeed;
    use portico_kernel::AccountId;

    fn setup() -> (SeedVault, TotpSeed, TwoFactorRecord) {
        let vault = SeedVault::new(&[3u8; 32]).unwrap();
        let seed = TotpSeed::generate().unwrap();
        let account = AccountId::generate();
        let record = TwoFactorRecord {
            account,
            sealed_seed: vault.seal(account, &seed).unwrap(),
            enabled_at: Some(OffsetDateTime::UNIX_EPOCH),
            last_used_step: None,
        };
        (vault, seed, record)
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
    }

    /// What the text `code` proves now against `record`.
    fn prove(
        vault: &SeedVault,
        record: &TwoFactorRecord,
        code: &str,
    ) -> Result<Option<SecondFactorProof>, StorageError> {
        proof_for(vault, record, &SecondFactorCode::read(code), now())
    }

    #[test]
    fn a_current_code_proves_its_step() {
        let (vault, seed, record) = setup();
        let code = seed.code_at(now()).unwrap();
        assert_eq!(
            prove(&vault, &record, code.as_str()).unwrap(),
            Some(SecondFactorProof::Totp {
                step: 1_800_000_000 / 30
            })
        );
    }

    #[test]
    fn a_used_step_proves_nothing() {
        let (vault, seed, mut record) = setup();
        record.last_used_step = Some(1_800_000_000 / 30);
        let code = seed.code_at(now()).unwrap();
        assert_eq!(prove(&vault, &record, code.as_str()).unwrap(), None);
    }

    #[test]
    fn a_wrong_code_or_junk_proves_nothing() {
        let (vault, seed, record) = setup();
        let code = seed.code_at(now() - time::Duration::minutes(5)).unwrap();
        assert_eq!(prove(&vault, &record, code.as_str()).unwrap(), None);
        assert_eq!(prove(&vault, &record, "hello").unwrap(), None);
    }

    #[test]
    fn a_recovery_code_is_passed_on_for_storage_to_judge() {
        let (vault, _, record) = setup();
        let code = RecoveryCode::generate_set().unwrap().remove(0);
        assert_eq!(
            prove(&vault, &record, code.expose()).unwrap(),
            Some(SecondFactorProof::RecoveryCode(code.digest()))
        );
    }

    #[test]
    fn a_seed_sealed_under_another_key_is_an_error() {
        let (_, seed, record) = setup();
        let other = SeedVault::new(&[4u8; 32]).unwrap();
        let code = seed.code_at(now()).unwrap();
        assert!(prove(&other, &record, code.as_str()).is_err());
    }
}
