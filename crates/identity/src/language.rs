//! Language tags: the language an account reads pages and mail in, defined in the
//! kernel because every domain that mails someone needs it.

pub use portico_kernel::language::{InvalidLanguageTag, LanguageTag};
