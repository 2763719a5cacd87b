//! Password hashing with argon2id.

mod memory;
mod workers;

use argon2::Params;
use argon2::password_hash::phc::PasswordHash as Phc;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use portico_kernel::{Password, PasswordHash, StorageError};

use workers::{HashingWorkers, hash_here};

/// What verifying a password against a stored hash found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password matches; when `needs_rehash`, the stored hash uses weaker
    /// parameters than today's and should be replaced.
    Match {
        /// Whether to store a fresh hash.
        needs_rehash: bool,
    },
    /// The password does not match.
    Mismatch,
}

/// Hashes and verifies passwords. Implementations must do the work off the async
/// executor, since one hash takes tens of milliseconds of CPU.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// A fresh hash with a new random salt.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, StorageError>;

    /// Verifies a password against a stored hash. A stored hash that cannot be read
    /// MUST be an error, never a mismatch, so corruption is noticed.
    async fn verify(
        &self,
        password: &Password,
        stored: &PasswordHash,
    ) -> Result<Verification, StorageError>;

    /// Spends the same work as `verify` against a hash no password matches. Used when
    /// the login names no account, so that case takes as long as a wrong password.
    async fn verify_unknown(&self, password: &Password) -> Result<(), StorageError>;
}

/// argon2id with the OWASP parameters: 19 MiB of memory, 2 passes, 1 lane, a 16-byte
/// random salt, stored as a PHC string.
///
/// The work runs on one hashing thread per CPU core, reusing pooled blocks of memory,
/// so at most one hash per core runs at a time (further requests wait in a queue)
/// and the memory hashing ever takes is one 19 MiB block per hash that ran at the
/// same time, allocated once and kept for the next while hashes keep coming, and
/// given back to the system once unused for [`Self::KEEP_MEMORY_IDLE`].
/// Without that bound a burst of logins could take gigabytes and starve every other
/// request of CPU. The threads are plain OS threads: no async runtime is needed to
/// use the hasher.
#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    params: Params,
    dummy: PasswordHash,
    workers: Arc<HashingWorkers>,
}

/// Hashing failed for a reason unrelated to the password (bad parameters, no
/// randomness, a worker thread that died).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub(crate) struct HashingFailed(String);

impl Argon2Hasher {
    /// Memory cost in KiB.
    pub const M_COST: u32 = 19_456;
    /// Passes over memory.
    pub const T_COST: u32 = 2;
    /// Lanes.
    pub const P_COST: u32 = 1;
    /// How long a block of hashing memory is kept unused: a quiet server holds none
    /// of it within twice this, and a steady trickle of logins keeps one block rather
    /// than allocating 19 MiB for each.
    pub const KEEP_MEMORY_IDLE: Duration = Duration::from_secs(5);

    /// A hasher with the standard parameters. Computes the dummy hash used for unknown
    /// logins once, here, so no login pays for it.
    pub fn new() -> Result<Self, StorageError> {
        Self::keeping_memory_for(Self::KEEP_MEMORY_IDLE)
    }

    /// The same hasher, freeing a block of memory once it has gone unused for
    /// `idle` (at least 100 ms: shorter would keep the hashing threads busy waking).
    pub fn keeping_memory_for(idle: Duration) -> Result<Self, StorageError> {
        let idle = idle.max(Duration::from_millis(100));
        let params = Params::new(Self::M_COST, Self::T_COST, Self::P_COST, None)
            .map_err(|e| StorageError::new(HashingFailed(e.to_string())))?;
        let mut unguessable = [0u8; 32];
        getrandom::fill(&mut unguessable)
            .map_err(|e| StorageError::new(HashingFailed(e.to_string())))?;
        let unguessable = Password::new(
            unguessable
                .iter()
                .map(|byte| char::from(b'a' + byte % 26))
                .collect(),
        );
        let dummy = hash_here(&params, &unguessable)?;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Self {
            workers: Arc::new(HashingWorkers::start(cores, &params, idle)?),
            params,
            dummy,
        })
    }

    /// Hashes waiting for a free hashing thread right now (a gauge for monitoring:
    /// a queue that keeps growing means logins arrive faster than the cores hash).
    pub fn waiting(&self) -> usize {
        self.workers.waiting()
    }

    /// Bytes of memory the hashing threads hold right now, in use or kept for the
    /// next hash (a gauge for monitoring).
    pub fn memory_held(&self) -> usize {
        self.workers.memory_held()
    }

    fn is_weaker_than_current(&self, stored: &Phc) -> bool {
        let current = &self.params;
        stored.algorithm.as_str() != "argon2id"
            || Params::try_from(stored).is_ok_and(|p| {
                p.m_cost() < current.m_cost()
                    || p.t_cost() < current.t_cost()
                    || p.p_cost() < current.p_cost()
            })
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, StorageError> {
        self.workers.hash(password.clone()).await
    }

    async fn verify(
        &self,
        password: &Password,
        stored: &PasswordHash,
    ) -> Result<Verification, StorageError> {
        let phc = Phc::new(stored.as_phc())
            .map_err(|e| StorageError::new(HashingFailed(e.to_string())))?;
        let needs_rehash = self.is_weaker_than_current(&phc);
        let matched = self
            .workers
            .verify(password.clone(), stored.as_phc().to_owned())
            .await?;
        Ok(if matched {
            Verification::Match { needs_rehash }
        } else {
            Verification::Mismatch
        })
    }

    async fn verify_unknown(&self, password: &Password) -> Result<(), StorageError> {
        self.verify(password, &self.dummy).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let hasher = Argon2Hasher::new().unwrap();
        let password = Password::new("violet tractor sings".into());
        let hash = hasher.hash(&password).await.unwrap();

        assert!(hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            hasher.verify(&password, &hash).await.unwrap(),
            Verification::Match {
                needs_rehash: false
            }
        );
        assert_eq!(
            hasher
                .verify(&Password::new("violet tractor sings!".into()), &hash)
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_their_salt() {
        let hasher = Argon2Hasher::new().unwrap();
        let password = Password::new("violet tractor sings".into());
        assert_ne!(
            hasher.hash(&password).await.unwrap(),
            hasher.hash(&password).await.unwrap()
        );
    }

    #[tokio::test]
    async fn a_hash_with_weaker_parameters_asks_to_be_replaced() {
        let weak = Params::new(4_096, 1, 1, None).unwrap();
        let password = Password::new("violet tractor sings".into());
        let stored = hash_here(&weak, &password).unwrap();
        let hasher = Argon2Hasher::new().unwrap();

        assert_eq!(
            hasher.verify(&password, &stored).await.unwrap(),
            Verification::Match { needs_rehash: true }
        );
    }

    #[tokio::test]
    async fn an_unreadable_stored_hash_is_an_error_not_a_mismatch() {
        let hasher = Argon2Hasher::new().unwrap();
        let result = hasher
            .verify(
                &Password::new("whatever".into()),
                &PasswordHash::from_phc("not a phc string".into()),
            )
            .await;
        assert!(result.is_err());
    }

    #[test]
    fn the_hasher_needs_no_async_runtime() {
        let hasher = Argon2Hasher::new().unwrap();
        let password = Password::new("violet tractor sings".into());
        let outcome = futures_executor::block_on(async {
            let hash = hasher.hash(&password).await?;
            hasher.verify(&password, &hash).await
        });
        assert_eq!(
            outcome.unwrap(),
            Verification::Match {
                needs_rehash: false
            }
        );
    }

    #[tokio::test]
    async fn many_hashes_at_once_all_complete() {
        let hasher = Argon2Hasher::new().unwrap();
        let password = Password::new("violet tractor sings".into());
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let hasher = hasher.clone();
                let password = password.clone();
                tokio::spawn(async move { hasher.hash(&password).await })
            })
            .collect();
        for task in tasks {
            let hash = task.await.unwrap().unwrap();
            assert_eq!(
                hasher.verify(&password, &hash).await.unwrap(),
                Verification::Match {
                    needs_rehash: false
                }
            );
        }
    }

    #[tokio::test]
    async fn a_stored_hash_asking_for_absurd_work_is_an_error_not_a_crash() {
        let hasher = Argon2Hasher::new().unwrap();
        let password = Password::new("violet tractor sings".into());
        let fine = hasher.hash(&password).await.unwrap();
        for (from, to) in [("m=19456", "m=4000000"), ("t=2", "t=500"), ("p=1", "p=64")] {
            let absurd = PasswordHash::from_phc(fine.as_phc().replacen(from, to, 1));
            assert!(hasher.verify(&password, &absurd).await.is_err(), "{to}");
        }
        // A somewhat stronger stored hash still verifies, and the hasher stays usable.
        let stronger = Params::new(Argon2Hasher::M_COST * 2, 2, 1, None).unwrap();
        let stored = hash_here(&stronger, &password).unwrap();
        assert_eq!(
            hasher.verify(&password, &stored).await.unwrap(),
            Verification::Match {
                needs_rehash: false
            }
        );
        assert!(matches!(
            hasher.verify(&password, &fine).await.unwrap(),
            Verification::Match { .. }
        ));
    }

    #[tokio::test]
    async fn a_hash_made_here_verifies_with_the_stock_argon2_verifier_and_back() {
        use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
        let hasher = Argon2Hasher::new().unwrap();
        let password = Password::new("violet tractor sings".into());
        let ours = hasher.hash(&password).await.unwrap();
        let parsed = Phc::new(ours.as_phc()).unwrap();
        assert!(
            Argon2::default()
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok()
        );
        let params = Params::new(Argon2Hasher::M_COST, 2, 1, None).unwrap();
        let stock = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_with_salt(password.expose().as_bytes(), b"sixteen byte salt")
            .unwrap();
        let stock = PasswordHash::from_phc(stock.to_string());
        assert!(matches!(
            hasher.verify(&password, &stock).await.unwrap(),
            Verification::Match { .. }
        ));
    }

    #[tokio::test]
    async fn the_hashing_memory_is_kept_between_hashes_and_given_back_when_none_come() {
        let hasher = Argon2Hasher::keeping_memory_for(Duration::from_millis(300)).unwrap();
        let block = usize::try_from(Argon2Hasher::M_COST).unwrap() * 1024;
        assert_eq!(hasher.memory_held(), 0, "the start-up hash keeps nothing");
        let password = Password::new("violet tractor sings".into());
        let hash = hasher.hash(&password).await.unwrap();
        hasher.verify(&password, &hash).await.unwrap();
        assert_eq!(hasher.memory_held(), block, "one hash at a time, one block");

        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while hasher.memory_held() > 0 {
            assert!(std::time::Instant::now() < deadline, "never given back");
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(
            hasher.verify(&password, &hash).await.unwrap(),
            Verification::Match {
                needs_rehash: false
            },
            "the next hash allocates again"
        );
        assert_eq!(hasher.memory_held(), block);
    }

    #[tokio::test]
    async fn after_a_burst_a_trickle_of_hashes_keeps_one_block() {
        let hasher = Argon2Hasher::keeping_memory_for(Duration::from_millis(400)).unwrap();
        let block = usize::try_from(Argon2Hasher::M_COST).unwrap() * 1024;
        let password = Password::new("violet tractor sings".into());
        let burst: Vec<_> = (0..4)
            .map(|_| {
                let hasher = hasher.clone();
                let password = password.clone();
                tokio::spawn(async move { hasher.hash(&password).await })
            })
            .collect();
        let mut hash = None;
        for task in burst {
            hash = Some(task.await.unwrap().unwrap());
        }
        let hash = hash.unwrap();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads >= 2 {
            assert!(hasher.memory_held() >= 2 * block, "the burst used several");
        }
        for _ in 0..8 {
            hasher.verify(&password, &hash).await.unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
        assert_eq!(hasher.memory_held(), block, "the unused blocks were freed");
    }

    #[tokio::test]
    async fn no_password_matches_the_dummy_hash() {
        let hasher = Argon2Hasher::new().unwrap();
        assert!(
            hasher
                .verify_unknown(&Password::new(String::new()))
                .await
                .is_ok()
        );
        assert_eq!(
            hasher
                .verify(&Password::new(String::new()), &hasher.dummy)
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }
}
