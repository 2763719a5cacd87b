//! The affiliate tables' rows, typed: each query reads into one of these structs
//! (`FromQueryResult`, by column name, checked once here) and each struct turns into
//! its domain value, refusing what no valid write could have stored. Also the few
//! helpers every affiliate query shares.

use portico_affiliate::{
    Bic, BillingEventId, Campaign, Commission, CommissionStatus, Destination, DestinationKind,
    Iban, LandingUrl, Link, LinkCode, Payout, PayoutStatus, Referral,
};
use portico_kernel::{
    AccountId, CommissionId, Currency, Cursor, DestinationId, EmailAddress, LinkId, Money, Page,
    PageRequest, PayoutId, StorageError,
};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::errors::storage;
use crate::mapping::{instant, micros, stored, stored_opt};
use crate::raw::portable;

/// Runs `sql` (PostgreSQL placeholders) and reads every row as an `R`.
pub(crate) async fn typed<R: FromQueryResult>(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<R>, StorageError> {
    R::find_by_statement(portable(conn, sql, values))
        .all(conn)
        .await
        .map_err(storage)
}

/// Runs a statement that returns no rows; the number of rows it touched.
pub(crate) async fn execute(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, StorageError> {
    execute_checked(conn, sql, values).await.map_err(storage)
}

/// [`execute`], keeping the database's error for a caller that tells a unique
/// violation from a failure.
pub(crate) async fn execute_checked(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(conn
        .execute_raw(portable(conn, sql, values))
        .await?
        .rows_affected())
}

/// One newest-first page of an affiliate's rows of `table` (read as `R` through
/// `columns`), keyed by `(created_at, id)`; `cursor` says where the next page starts.
pub(crate) async fn affiliate_page<R, T>(
    conn: &impl ConnectionTrait,
    (table, columns, id): (&str, &str, &str),
    affiliate: AccountId,
    page: &PageRequest,
    cursor: impl Fn(&T) -> Cursor,
) -> Result<Page<T>, StorageError>
where
    R: FromQueryResult,
    T: TryFrom<R, Error = StorageError>,
{
    let limit = i64::try_from(page.limit()).unwrap_or(50) + 1;
    let (bound, after) = keyset_bound(page, "created_at", id, 3);
    let mut values: Vec<Value> = vec![affiliate.to_string().into(), limit.into()];
    values.extend(after);
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE affiliate_id = $1 {bound} \
         ORDER BY created_at DESC, {id} DESC LIMIT $2"
    );
    let found: Vec<R> = typed(conn, &sql, values).await?;
    Ok(Page::from_overfetch(domain(found)?, page, cursor))
}

/// The keyset condition of a newest-first page over `(time, id)`, with its values
/// numbered from `$next`: empty on the first page.
fn keyset_bound(page: &PageRequest, time: &str, id: &str, next: usize) -> (String, Vec<Value>) {
    match page.after() {
        Some(cursor) => (
            format!(
                "AND ({time} < ${next} OR ({time} = ${next} AND {id} < ${}))",
                next + 1
            ),
            vec![micros(cursor.created_at).into(), cursor.id.clone().into()],
        ),
        None => (String::new(), Vec::new()),
    }
}

pub(crate) const LINK_COLUMNS: &str = "id, affiliate_id, code, landing_url, campaign, created_at";

/// A row of `affiliate_links`.
#[derive(Debug, FromQueryResult)]
pub(crate) struct LinkRow {
    id: String,
    affiliate_id: String,
    code: String,
    landing_url: Option<String>,
    campaign: Option<String>,
    created_at: i64,
}

impl TryFrom<LinkRow> for Link {
    type Error = StorageError;

    fn try_from(row: LinkRow) -> Result<Self, StorageError> {
        Ok(Link {
            id: stored(&row.id, LinkId::parse, "link id")?,
            affiliate: stored(&row.affiliate_id, AccountId::parse, "account id")?,
            code: stored(&row.code, LinkCode::parse, "link code")?,
            landing_url: stored_opt(
                row.landing_url.as_deref(),
                LandingUrl::from_stored,
                "landing URL",
            )?,
            campaign: stored_opt(row.campaign.as_deref(), Campaign::parse, "campaign")?,
            created_at: instant(row.created_at)?,
        })
    }
}

pub(crate) const REFERRAL_COLUMNS: &str = "referred_id, affiliate_id, link_id, created_at";

/// A row of `referrals`.
#[derive(Debug, FromQueryResult)]
pub(crate) struct ReferralRow {
    referred_id: String,
    affiliate_id: String,
    link_id: String,
    created_at: i64,
}

impl TryFrom<ReferralRow> for Referral {
    type Error = StorageError;

    fn try_from(row: ReferralRow) -> Result<Self, StorageError> {
        Ok(Referral {
            referred: stored(&row.referred_id, AccountId::parse, "account id")?,
            affiliate: stored(&row.affiliate_id, AccountId::parse, "account id")?,
            link: stored(&row.link_id, LinkId::parse, "link id")?,
            at: instant(row.created_at)?,
        })
    }
}

pub(crate) const COMMISSION_COLUMNS: &str = "id, affiliate_id, referred_id, payment_event_id, amount_minor, \
     currency, status, approve_after, payout_id, created_at";

/// A row of `commissions`.
#[derive(Debug, FromQueryResult)]
pub(crate) struct CommissionRow {
    id: String,
    affiliate_id: String,
    referred_id: String,
    payment_event_id: String,
    amount_minor: i64,
    currency: String,
    status: String,
    approve_after: i64,
    payout_id: Option<String>,
    created_at: i64,
}

impl TryFrom<CommissionRow> for Commission {
    type Error = StorageError;

    fn try_from(row: CommissionRow) -> Result<Self, StorageError> {
        Ok(Commission {
            id: stored(&row.id, CommissionId::parse, "commission id")?,
            affiliate: stored(&row.affiliate_id, AccountId::parse, "account id")?,
            referred: stored(&row.referred_id, AccountId::parse, "account id")?,
            payment_event_id: stored(
                &row.payment_event_id,
                BillingEventId::parse,
                "billing event id",
            )?,
            amount: Money::new(
                row.amount_minor,
                stored(&row.currency, Currency::parse, "currency")?,
            ),
            status: stored(
                &row.status,
                |s| CommissionStatus::parse(s).ok_or(()),
                "commission status",
            )?,
            approve_after: instant(row.approve_after)?,
            payout: stored_opt(row.payout_id.as_deref(), PayoutId::parse, "payout id")?,
            created_at: instant(row.created_at)?,
        })
    }
}

pub(crate) const DESTINATION_COLUMNS: &str =
    "id, affiliate_id, kind, paypal_email, account_holder, iban, bic, created_at";

/// A row of `payout_destinations`: the columns of its kind are set, the others null.
#[derive(Debug, FromQueryResult)]
pub(crate) struct DestinationRow {
    id: String,
    affiliate_id: String,
    kind: String,
    paypal_email: Option<String>,
    account_holder: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    created_at: i64,
}

impl TryFrom<DestinationRow> for Destination {
    type Error = StorageError;

    fn try_from(row: DestinationRow) -> Result<Self, StorageError> {
        let kind = match row.kind.as_str() {
            "paypal" => DestinationKind::PayPal {
                email: stored(
                    &row.paypal_email.unwrap_or_default(),
                    EmailAddress::parse,
                    "email address",
                )?,
            },
            "bank_transfer" => DestinationKind::BankTransfer {
                account_holder: row.account_holder.unwrap_or_default(),
                iban: stored(&row.iban.unwrap_or_default(), Iban::parse, "IBAN")?,
                bic: stored_opt(row.bic.as_deref(), Bic::parse, "BIC")?,
            },
            "account_credit" => DestinationKind::AccountCredit,
            _ => return Err(StorageError::corrupt("destination kind")),
        };
        Ok(Destination {
            id: stored(&row.id, DestinationId::parse, "destination id")?,
            affiliate: stored(&row.affiliate_id, AccountId::parse, "account id")?,
            kind,
            created_at: instant(row.created_at)?,
        })
    }
}

pub(crate) const PAYOUT_COLUMNS: &str =
    "id, affiliate_id, destination_id, amount_minor, currency, status, requested_at, paid_at";

/// A row of `payouts`.
#[derive(Debug, FromQueryResult)]
pub(crate) struct PayoutRow {
    id: String,
    affiliate_id: String,
    destination_id: String,
    amount_minor: i64,
    currency: String,
    status: String,
    requested_at: i64,
    paid_at: Option<i64>,
}

impl TryFrom<PayoutRow> for Payout {
    type Error = StorageError;

    fn try_from(row: PayoutRow) -> Result<Self, StorageError> {
        Ok(Payout {
            id: stored(&row.id, PayoutId::parse, "payout id")?,
            affiliate: stored(&row.affiliate_id, AccountId::parse, "account id")?,
            destination: stored(&row.destination_id, DestinationId::parse, "destination id")?,
            amount: Money::new(
                row.amount_minor,
                stored(&row.currency, Currency::parse, "currency")?,
            ),
            status: stored(
                &row.status,
                |s| PayoutStatus::parse(s).ok_or(()),
                "payout status",
            )?,
            requested_at: instant(row.requested_at)?,
            paid_at: row.paid_at.map(instant).transpose()?,
        })
    }
}

/// When an account joined the program.
#[derive(Debug, FromQueryResult)]
pub(crate) struct JoinedRow {
    pub joined_at: i64,
}

/// An affiliate's clicks and referrals, counted.
#[derive(Debug, FromQueryResult)]
pub(crate) struct CountsRow {
    pub clicks: i64,
    pub referrals: i64,
}

/// The sum of an affiliate's commissions of one currency in one status.
#[derive(Debug, FromQueryResult)]
pub(crate) struct BalanceRow {
    pub currency: String,
    pub status: String,
    pub total: i64,
}

/// A payment the ledger has seen, and how much of it was refunded.
#[derive(Debug, FromQueryResult)]
pub(crate) struct PaymentRow {
    pub payment_minor: i64,
    pub refunded_minor: i64,
}

/// An affiliate's payable balance in one currency.
#[derive(Debug, FromQueryResult)]
pub(crate) struct PayableRow {
    pub balance: i64,
}

/// Just an id (does this row exist for this owner?).
#[derive(Debug, FromQueryResult)]
pub(crate) struct IdRow {
    #[allow(dead_code, reason = "read only to learn that the row exists")]
    pub id: String,
}

/// Each row turned into its domain value.
pub(crate) fn domain<R, T>(rows: Vec<R>) -> Result<Vec<T>, StorageError>
where
    T: TryFrom<R, Error = StorageError>,
{
    rows.into_iter().map(T::try_from).collect()
}
