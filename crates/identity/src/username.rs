//! Usernames: the login name every domain speaks, defined in the kernel so that
//! security can check and change it without depending on identity.

pub use portico_kernel::username::{InvalidUsername, Username};
