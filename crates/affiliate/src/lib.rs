//! Portico's affiliate domain: the referral program.
//!
//! This crate will hold:
//! - affiliates and their links (an unguessable short code, an optional http(s)
//!   landing URL and a campaign);
//! - clicks (time, link, hashed client address and user agent: no raw personal data)
//!   and referrals (one referrer per referred account, first touch, within an
//!   attribution window; nobody refers themselves);
//! - the commission ledger in integer minor units with a currency: `pending` when the
//!   billing system reports a payment, `approved` after the hold period, `paid` by a
//!   payout, `reversed` by a refund (with a negative entry when already paid out);
//!   payment and refund events are idempotent on their event id;
//! - payout destinations (PayPal, bank transfer with a checked IBAN, account credit)
//!   and payouts of the whole approved balance of one currency, which concurrent
//!   requests can never pay twice.
//!
//! Money is never a float anywhere in this crate.
