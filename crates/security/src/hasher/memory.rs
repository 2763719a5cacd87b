//! The memory one argon2id hash works in, allocated so that freeing it gives it back
//! to the system, and counted while it exists.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::Block;
use portico_kernel::StorageError;

use super::workers::failed;

/// Every hash's memory is reserved with room for at least this many blocks (33 MiB),
/// of which only the blocks the hash uses are ever written, and so resident.
///
/// glibc's allocator gives an allocation above 32 MiB a mapping of its own, unmapped
/// the moment it is freed. A smaller one (one hash needs 19 MiB) is mapped on its own
/// only until the first such mapping is freed; from then on it comes from a heap
/// arena, which keeps freed memory resident (mallopt(3), M_MMAP_THRESHOLD: the
/// threshold follows freed mappings up to 32 MiB). Other allocators only see a larger
/// reservation of address space.
const RESERVED_BLOCKS: usize = 33 * 1024;

/// One hash's memory. Its size is added to a shared count of bytes held while it
/// exists, for monitoring and for the tests that memory is given back.
pub(super) struct HashMemory {
    blocks: Vec<Block>,
    held: Arc<AtomicUsize>,
}

impl HashMemory {
    /// No memory yet: the first hash allocates it.
    pub(super) fn empty(held: &Arc<AtomicUsize>) -> Self {
        Self {
            blocks: Vec::new(),
            held: held.clone(),
        }
    }

    /// The first `count` blocks, allocated on first use; an allocation failure is an
    /// error, never an abort.
    pub(super) fn blocks(&mut self, count: usize) -> Result<&mut [Block], StorageError> {
        if self.blocks.len() < count {
            // Never grown in place: a fresh reservation keeps the memory above the
            // size the allocator maps on its own.
            let mut fresh = Vec::new();
            fresh
                .try_reserve_exact(count.max(RESERVED_BLOCKS))
                .map_err(|_| failed("not enough memory to hash"))?;
            fresh.resize(count, Block::default());
            self.replace(fresh);
        }
        Ok(&mut self.blocks[..count])
    }

    /// How many blocks it holds.
    pub(super) fn len(&self) -> usize {
        self.blocks.len()
    }

    fn replace(&mut self, blocks: Vec<Block>) {
        self.held.fetch_sub(self.bytes(), Ordering::Relaxed);
        self.blocks = blocks;
        self.held.fetch_add(self.bytes(), Ordering::Relaxed);
    }

    fn bytes(&self) -> usize {
        self.blocks.len() * size_of::<Block>()
    }
}

impl Drop for HashMemory {
    fn drop(&mut self) {
        self.held.fetch_sub(self.bytes(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_counted_while_it_exists() {
        let held = Arc::new(AtomicUsize::new(0));
        let mut memory = HashMemory::empty(&held);
        assert_eq!(held.load(Ordering::Relaxed), 0);

        memory.blocks(8).unwrap();
        assert_eq!(held.load(Ordering::Relaxed), 8 * 1024);
        memory.blocks(4).unwrap();
        assert_eq!(
            held.load(Ordering::Relaxed),
            8 * 1024,
            "a smaller hash reuses it"
        );
        memory.blocks(16).unwrap();
        assert_eq!(held.load(Ordering::Relaxed), 16 * 1024);

        drop(memory);
        assert_eq!(held.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn memory_is_reserved_beyond_the_size_the_allocator_keeps() {
        let held = Arc::new(AtomicUsize::new(0));
        let mut memory = HashMemory::empty(&held);
        memory.blocks(19 * 1024).unwrap();
        assert!(memory.blocks.capacity() * size_of::<Block>() > 32 * 1024 * 1024);
        assert_eq!(memory.len(), 19 * 1024);
    }
}
