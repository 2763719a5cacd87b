//! Row mapping and plain-SQL helpers shared by the affiliate repositories.

use portico_affiliate::ports::DestinationChange;
use portico_affiliate::{
    Bic, Commission, CommissionStatus, Destination, DestinationKind, Iban, Payout, PayoutStatus,
};
use portico_kernel::{
    AccountId, CommissionId, Currency, DestinationId, EmailAddress, Money, PageRequest, PayoutId,
    StorageError,
};
use portico_security::{SecurityEvent, SecurityEventKind};
use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::errors::storage;
use crate::mapping::{instant, micros, stored, stored_opt};
use crate::raw::portable;

/// One column of a row.
pub(crate) fn get<T: sea_orm::TryGetable>(
    row: &QueryResult,
    column: &str,
) -> Result<T, StorageError> {
    row.try_get::<T>("", column).map_err(storage)
}

/// The keyset condition of a newest-first page over `(time, id)`, with its values
/// numbered from `$next`: empty on the first page.
pub(crate) fn keyset_bound(
    page: &PageRequest,
    time: &str,
    id: &str,
    next: usize,
) -> (String, Vec<Value>) {
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

pub(crate) async fn rows(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>, StorageError> {
    conn.query_all_raw(portable(conn, sql, values))
        .await
        .map_err(storage)
}

pub(crate) async fn execute(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, StorageError> {
    Ok(conn
        .execute_raw(portable(conn, sql, values))
        .await
        .map_err(storage)?
        .rows_affected())
}

pub(crate) const COMMISSION_COLUMNS: &str = "id, affiliate_id, referred_id, payment_event_id, amount_minor, \
     currency, status, approve_after, payout_id, created_at";

pub(crate) fn to_commission(row: &QueryResult) -> Result<Commission, StorageError> {
    Ok(Commission {
        id: stored(
            &get::<String>(row, "id")?,
            CommissionId::parse,
            "commission id",
        )?,
        affiliate: stored(
            &get::<String>(row, "affiliate_id")?,
            AccountId::parse,
            "account id",
        )?,
        referred: stored(
            &get::<String>(row, "referred_id")?,
            AccountId::parse,
            "account id",
        )?,
        payment_event_id: get(row, "payment_event_id")?,
        amount: Money::new(
            get(row, "amount_minor")?,
            stored(
                &get::<String>(row, "currency")?,
                Currency::parse,
                "currency",
            )?,
        ),
        status: stored(
            &get::<String>(row, "status")?,
            |s| CommissionStatus::parse(s).ok_or(()),
            "commission status",
        )?,
        approve_after: instant(get(row, "approve_after")?)?,
        payout: stored_opt(
            get::<Option<String>>(row, "payout_id")?.as_deref(),
            PayoutId::parse,
            "payout id",
        )?,
        created_at: instant(get(row, "created_at")?)?,
    })
}

pub(crate) async fn insert_commission(
    conn: &impl ConnectionTrait,
    entry: &Commission,
) -> Result<(), StorageError> {
    execute(
        conn,
        &format!(
            "INSERT INTO commissions ({COMMISSION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ),
        vec![
            entry.id.to_string().into(),
            entry.affiliate.to_string().into(),
            entry.referred.to_string().into(),
            entry.payment_event_id.clone().into(),
            entry.amount.amount_minor.into(),
            entry.amount.currency.as_str().into(),
            entry.status.as_str().into(),
            micros(entry.approve_after).into(),
            entry.payout.map(|p| p.to_string()).into(),
            micros(entry.created_at).into(),
        ],
    )
    .await?;
    Ok(())
}

pub(crate) fn to_destination(row: &QueryResult) -> Result<Destination, StorageError> {
    let kind = match get::<String>(row, "kind")?.as_str() {
        "paypal" => DestinationKind::PayPal {
            email: stored(
                &get::<Option<String>>(row, "paypal_email")?.unwrap_or_default(),
                EmailAddress::parse,
                "email address",
            )?,
        },
        "bank_transfer" => DestinationKind::BankTransfer {
            account_holder: get::<Option<String>>(row, "account_holder")?.unwrap_or_default(),
            iban: stored(
                &get::<Option<String>>(row, "iban")?.unwrap_or_default(),
                Iban::parse,
                "IBAN",
            )?,
            bic: stored_opt(
                get::<Option<String>>(row, "bic")?.as_deref(),
                Bic::parse,
                "BIC",
            )?,
        },
        "account_credit" => DestinationKind::AccountCredit,
        _ => return Err(StorageError::corrupt("destination kind")),
    };
    Ok(Destination {
        id: stored(
            &get::<String>(row, "id")?,
            DestinationId::parse,
            "destination id",
        )?,
        affiliate: stored(
            &get::<String>(row, "affiliate_id")?,
            AccountId::parse,
            "account id",
        )?,
        kind,
        created_at: instant(get(row, "created_at")?)?,
    })
}

pub(crate) fn to_payout(row: &QueryResult) -> Result<Payout, StorageError> {
    Ok(Payout {
        id: stored(&get::<String>(row, "id")?, PayoutId::parse, "payout id")?,
        affiliate: stored(
            &get::<String>(row, "affiliate_id")?,
            AccountId::parse,
            "account id",
        )?,
        destination: stored(
            &get::<String>(row, "destination_id")?,
            DestinationId::parse,
            "destination id",
        )?,
        amount: Money::new(
            get(row, "amount_minor")?,
            stored(
                &get::<String>(row, "currency")?,
                Currency::parse,
                "currency",
            )?,
        ),
        status: stored(
            &get::<String>(row, "status")?,
            |s| PayoutStatus::parse(s).ok_or(()),
            "payout status",
        )?,
        requested_at: instant(get(row, "requested_at")?)?,
        paid_at: get::<Option<i64>>(row, "paid_at")?
            .map(instant)
            .transpose()?,
    })
}

pub(crate) fn destination_event(change: &DestinationChange) -> SecurityEvent {
    SecurityEvent::new(
        change.event.account,
        if change.event.added {
            SecurityEventKind::PayoutDestinationAdded
        } else {
            SecurityEventKind::PayoutDestinationRemoved
        },
        change.event.at,
        &change.event.client,
        Some(change.event.detail.clone()),
    )
}
