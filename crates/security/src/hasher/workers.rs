//! The argon2id hashing threads: a fixed few, reusing a few blocks of memory.
//!
//! One hash needs 19 MiB. Left to the allocator, every hash took a fresh block and
//! the freed blocks stayed resident in the heap, so a login burst grew the process
//! by hundreds of MiB that it never gave back. Here a job takes a block from a shared
//! pool (the most recently returned first) and gives it back when done: a block is
//! allocated only when every existing one is in use, so the memory argon2 ever holds
//! is one block per hash that ran at the same time, at most one per thread. A block
//! left in the pool for the `keep_idle` given to [`HashingWorkers::start`] is freed
//! (checked whenever a block comes back and whenever no job came for `keep_idle`), so
//! after a burst a trickle of logins keeps one block, and a quiet server none; the
//! next hash allocates again (a few milliseconds).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as Phc, Salt};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Params, Version};
use portico_kernel::{Password, PasswordHash, StorageError};
use tokio::sync::oneshot;

use super::HashingFailed;
use super::memory::HashMemory;

/// Memory blocks not in use with the time each came back, the most recent last.
type BlockPool = Mutex<Vec<(HashMemory, Instant)>>;

/// Stored hashes asking for more than this many times today's memory, or for more
/// passes or lanes than these, are refused as unreadable rather than computed: a
/// corrupted or hostile row must not take gigabytes, or a thread for minutes.
const MAX_MEMORY_FACTOR: u32 = 4;
const MAX_PASSES: u32 = 10;
const MAX_LANES: u32 = 4;

/// What a hashing thread is asked to do.
enum Work {
    /// Hash a password with a fresh salt under the current parameters.
    Hash(Password),
    /// Check a password against a stored PHC string (with its own parameters).
    Verify(Password, String),
}

/// What it answers.
enum Outcome {
    Hashed(PasswordHash),
    Verified(bool),
}

struct Job {
    work: Work,
    reply: oneshot::Sender<Result<Outcome, StorageError>>,
}

/// A fixed pool of hashing threads fed through one queue. Jobs wait in the queue
/// while every thread is busy, so at most one hash per thread runs at a time.
#[derive(Debug)]
pub(super) struct HashingWorkers {
    jobs: Sender<Job>,
    /// Jobs sent and not yet taken by a thread.
    waiting: Arc<AtomicUsize>,
    /// Bytes of hashing memory allocated right now, pooled or in use.
    held: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl HashingWorkers {
    /// Starts `count` threads hashing under `params`, which free the memory they
    /// pool once no hash has been asked for during `keep_idle`. They stop once the
    /// pool is dropped and the queue drains.
    pub(super) fn start(
        count: usize,
        params: &Params,
        keep_idle: Duration,
    ) -> Result<Self, StorageError> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let pool: Arc<BlockPool> = Arc::new(Mutex::new(Vec::new()));
        let waiting = Arc::new(AtomicUsize::new(0));
        let held = Arc::new(AtomicUsize::new(0));
        for n in 0..count.max(1) {
            let thread = HashingThread {
                queue: queue.clone(),
                pool: pool.clone(),
                params: params.clone(),
                waiting: waiting.clone(),
                held: held.clone(),
                keep_idle,
            };
            std::thread::Builder::new()
                .name(format!("portico-hash-{n}"))
                .spawn(move || thread.serve())
                .map_err(StorageError::new)?;
        }
        Ok(Self {
            jobs,
            waiting,
            held,
        })
    }

    /// Hashes queued behind the busy threads right now.
    pub(super) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Bytes of hashing memory allocated right now, pooled or in use.
    pub(super) fn memory_held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }

    /// A fresh hash of `password`.
    pub(super) async fn hash(&self, password: Password) -> Result<PasswordHash, StorageError> {
        match self.run(Work::Hash(password)).await? {
            Outcome::Hashed(hash) => Ok(hash),
            Outcome::Verified(_) => Err(failed("the hashing thread answered the wrong job")),
        }
    }

    /// Whether `password` matches the stored PHC string.
    pub(super) async fn verify(
        &self,
        password: Password,
        stored: String,
    ) -> Result<bool, StorageError> {
        match self.run(Work::Verify(password, stored)).await? {
            Outcome::Verified(matched) => Ok(matched),
            Outcome::Hashed(_) => Err(failed("the hashing thread answered the wrong job")),
        }
    }

    async fn run(&self, work: Work) -> Result<Outcome, StorageError> {
        let (reply, answer) = oneshot::channel();
        self.waiting.fetch_add(1, Ordering::Relaxed);
        if self.jobs.send(Job { work, reply }).is_err() {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(failed("the hashing threads have stopped"));
        }
        answer
            .await
            .map_err(|_| failed("a hashing thread stopped during a job"))?
    }
}

pub(super) fn failed(reason: &str) -> StorageError {
    StorageError::new(HashingFailed(reason.to_owned()))
}

/// What one hashing thread works with; the queue, the pool and the counters are
/// shared by all of them.
struct HashingThread {
    queue: Arc<Mutex<Receiver<Job>>>,
    pool: Arc<BlockPool>,
    params: Params,
    waiting: Arc<AtomicUsize>,
    held: Arc<AtomicUsize>,
    keep_idle: Duration,
}

impl HashingThread {
    /// The thread's loop: take a job and do it; free the pooled memory when no job
    /// comes for `keep_idle`.
    fn serve(&self) {
        loop {
            // The thread holding the queue waits for the next job, the others for
            // the queue: a timeout here means that no job came at all.
            let job = match self.queue.lock() {
                Ok(queue) => queue.recv_timeout(self.keep_idle),
                Err(_) => return,
            };
            match job {
                Ok(job) => self.run(job),
                Err(RecvTimeoutError::Timeout) => self.free_unused_blocks(None),
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// Does one job in a pooled block, gives the block back and answers.
    fn run(&self, Job { work, reply }: Job) {
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        // A request dropped while it waited (its client went away) is not worth a
        // hash.
        if reply.is_closed() {
            return;
        }
        let params = &self.params;
        let mut memory = self
            .pool
            .lock()
            .ok()
            .and_then(|mut free| free.pop())
            .map_or_else(|| HashMemory::empty(&self.held), |(memory, _)| memory);
        // A panic in argon2 must not take the thread, and so the pool, with it.
        let (outcome, panicked) =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match work {
                Work::Hash(password) => hash(params, &mut memory, &password).map(Outcome::Hashed),
                Work::Verify(password, stored) => {
                    verify(params, &mut memory, &password, &stored).map(Outcome::Verified)
                }
            })) {
                Ok(outcome) => (outcome, false),
                Err(_) => {
                    tracing::error!("a password hashing job panicked");
                    (Err(failed("the hashing job failed")), true)
                }
            };
        // Memory of today's size goes back to the pool (whatever the password's
        // fate); memory grown for a stored hash with stronger parameters, or left
        // half-written by a panic, is freed.
        let returned = (!panicked && memory.len() == params.block_count()).then_some(memory);
        self.free_unused_blocks(returned);
        // The asker may have gone meanwhile; nothing to do then.
        let _ = reply.send(outcome);
    }

    /// Puts `returned` back into the pool and frees the blocks nobody took during
    /// `keep_idle`.
    fn free_unused_blocks(&self, returned: Option<HashMemory>) {
        if let Ok(mut free) = self.pool.lock() {
            free.retain(|(_, since)| since.elapsed() < self.keep_idle);
            if let Some(memory) = returned {
                free.push((memory, Instant::now()));
            }
        }
    }
}

/// Hashes in the calling thread with memory of its own, freed afterwards: for the
/// one hash made while the server starts (and for tests).
pub(super) fn hash_here(
    params: &Params,
    password: &Password,
) -> Result<PasswordHash, StorageError> {
    hash(
        params,
        &mut HashMemory::empty(&Arc::new(AtomicUsize::new(0))),
        password,
    )
}

fn hash(
    params: &Params,
    memory: &mut HashMemory,
    password: &Password,
) -> Result<PasswordHash, StorageError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| failed(&e.to_string()))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(
            password.expose().as_bytes(),
            &salt,
            &mut out,
            memory.blocks(params.block_count())?,
        )
        .map_err(|e| failed(&e.to_string()))?;
    let phc = Phc {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| failed(&e.to_string()))?,
        salt: Some(Salt::new(&salt).map_err(|e| failed(&e.to_string()))?),
        hash: Some(Output::new(&out).map_err(|e| failed(&e.to_string()))?),
    };
    Ok(PasswordHash::from_phc(phc.to_string()))
}

/// Recomputes the stored hash's output from `password` with the stored algorithm,
/// version, parameters and salt (so hashes made under older parameters still
/// verify), and compares the two in constant time.
fn verify(
    current: &Params,
    memory: &mut HashMemory,
    password: &Password,
    stored: &str,
) -> Result<bool, StorageError> {
    let phc = Phc::new(stored).map_err(|e| failed(&e.to_string()))?;
    let algorithm =
        Algorithm::try_from(phc.algorithm.as_str()).map_err(|e| failed(&e.to_string()))?;
    let version = match phc.version {
        Some(version) => Version::try_from(version).map_err(|e| failed(&e.to_string()))?,
        None => Version::default(),
    };
    let params = Params::try_from(&phc).map_err(|e| failed(&e.to_string()))?;
    if params.m_cost() > current.m_cost().saturating_mul(MAX_MEMORY_FACTOR)
        || params.t_cost() > MAX_PASSES
        || params.p_cost() > MAX_LANES
    {
        return Err(failed(
            "the stored hash asks for more work than Portico allows",
        ));
    }
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
        return Err(failed("the stored hash has no salt or no output"));
    };
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(
            password.expose().as_bytes(),
            &salt,
            &mut out,
            memory.blocks(params.block_count())?,
        )
        .map_err(|e| failed(&e.to_string()))?;
    let computed = Output::new(&out).map_err(|e| failed(&e.to_string()))?;
    // `Output`'s equality is constant-time.
    Ok(computed == expected)
}
