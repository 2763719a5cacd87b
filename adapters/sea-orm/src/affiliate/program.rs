//! [`ProgramRepository`] on SeaORM: affiliates, links, clicks and referrals, in plain
//! SQL that both engines run (ADR 0017).

use async_trait::async_trait;
use portico_affiliate::ports::ProgramRepository;
use portico_affiliate::{Balance, Click, CommissionStatus, Link, LinkCode, Overview, Referral};
use portico_kernel::{AccountId, Currency, Cursor, LinkId, Page, PageRequest, StorageError};
use sea_orm::{DatabaseConnection, Value};
use time::OffsetDateTime;

use super::rows::{
    BalanceRow, CountsRow, JoinedRow, LINK_COLUMNS, LinkRow, REFERRAL_COLUMNS, ReferralRow,
    affiliate_page, domain, execute_checked, typed,
};
use crate::errors::{is_unique_violation, storage};
use crate::mapping::{instant, micros, stored};

/// The affiliate program's tables.
#[derive(Debug, Clone)]
pub struct SeaAffiliates {
    db: DatabaseConnection,
}

impl SeaAffiliates {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, sea_orm::DbErr> {
        execute_checked(&self.db, sql, values).await
    }
}

#[async_trait]
impl ProgramRepository for SeaAffiliates {
    #[tracing::instrument(level = "debug", name = "SeaAffiliates::join", skip_all, fields(account = %account))]
    async fn join(&self, account: AccountId, at: OffsetDateTime) -> Result<bool, StorageError> {
        let joined = self
            .execute(
                "INSERT INTO affiliates (account_id, joined_at) VALUES ($1, $2) \
                 ON CONFLICT (account_id) DO NOTHING",
                vec![account.to_string().into(), micros(at).into()],
            )
            .await
            .map_err(storage)?;
        Ok(joined == 1)
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::overview", skip_all, fields(account = %account))]
    async fn overview(
        &self,
        account: AccountId,
        now: OffsetDateTime,
    ) -> Result<Option<Overview>, StorageError> {
        let id = account.to_string();
        let joined: Vec<JoinedRow> = typed(
            &self.db,
            "SELECT joined_at FROM affiliates WHERE account_id = $1",
            vec![id.clone().into()],
        )
        .await?;
        let Some(joined) = joined.first() else {
            return Ok(None);
        };
        let counts: Vec<CountsRow> = typed(
            &self.db,
            "SELECT \
               (SELECT COUNT(*) FROM affiliate_clicks c JOIN affiliate_links l ON l.id = c.link_id \
                WHERE l.affiliate_id = $1) AS clicks, \
               (SELECT COUNT(*) FROM referrals WHERE affiliate_id = $1) AS referrals",
            vec![id.clone().into()],
        )
        .await?;
        let (clicks, referrals) = counts.first().map_or((0, 0), |row| {
            let count = |value: i64| u64::try_from(value).unwrap_or(0);
            (count(row.clicks), count(row.referrals))
        });
        let mut balances: Vec<Balance> = Vec::new();
        let sums: Vec<BalanceRow> = typed(
            &self.db,
            "SELECT currency, \
                   CASE WHEN status = 'pending' AND approve_after <= $2 THEN 'approved' \
                        ELSE status END AS status, \
                   CAST(SUM(amount_minor) AS BIGINT) AS total FROM commissions \
                 WHERE affiliate_id = $1 GROUP BY currency, 2 ORDER BY currency",
            vec![id.into(), micros(now).into()],
        )
        .await?;
        for row in sums {
            let currency = stored(&row.currency, Currency::parse, "currency")?;
            let status = stored(
                &row.status,
                |s| CommissionStatus::parse(s).ok_or(()),
                "commission status",
            )?;
            let total = row.total;
            let index = match balances.iter().position(|b| b.currency == currency) {
                Some(index) => index,
                None => {
                    balances.push(Balance {
                        currency,
                        pending: 0,
                        approved: 0,
                        paid: 0,
                    });
                    balances.len() - 1
                }
            };
            let balance = &mut balances[index];
            match status {
                CommissionStatus::Pending => balance.pending += total,
                CommissionStatus::Approved => balance.approved += total,
                CommissionStatus::Paid => balance.paid += total,
                CommissionStatus::Reversed => {}
            }
        }
        Ok(Some(Overview {
            joined_at: instant(joined.joined_at)?,
            clicks,
            referrals,
            balances,
        }))
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::add_link", skip_all)]
    async fn add_link(&self, link: &Link) -> Result<(), StorageError> {
        self.execute(
            &format!(
                "INSERT INTO affiliate_links ({LINK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
            ),
            vec![
                link.id.to_string().into(),
                link.affiliate.to_string().into(),
                link.code.as_str().into(),
                link.landing_url
                    .as_ref()
                    .map(|u| u.as_str().to_owned())
                    .into(),
                link.campaign.as_ref().map(|c| c.as_str().to_owned()).into(),
                micros(link.created_at).into(),
            ],
        )
        .await
        .map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::links", skip_all, fields(affiliate = %affiliate))]
    async fn links(&self, affiliate: AccountId) -> Result<Vec<Link>, StorageError> {
        let found: Vec<LinkRow> = typed(
            &self.db,
            &format!(
                "SELECT {LINK_COLUMNS} FROM affiliate_links WHERE affiliate_id = $1 \
                 ORDER BY created_at DESC, id DESC"
            ),
            vec![affiliate.to_string().into()],
        )
        .await?;
        domain(found)
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::remove_link", skip_all, fields(affiliate = %affiliate, id = %id))]
    async fn remove_link(&self, affiliate: AccountId, id: LinkId) -> Result<bool, StorageError> {
        let removed = self
            .execute(
                "DELETE FROM affiliate_links WHERE id = $1 AND affiliate_id = $2",
                vec![id.to_string().into(), affiliate.to_string().into()],
            )
            .await
            .map_err(storage)?;
        Ok(removed == 1)
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::link_by_code", skip_all)]
    async fn link_by_code(&self, code: &LinkCode) -> Result<Option<Link>, StorageError> {
        let found: Vec<LinkRow> = typed(
            &self.db,
            &format!("SELECT {LINK_COLUMNS} FROM affiliate_links WHERE code = $1"),
            vec![code.as_str().into()],
        )
        .await?;
        found.into_iter().next().map(Link::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::record_click", skip_all)]
    async fn record_click(&self, click: &Click) -> Result<(), StorageError> {
        self.execute(
            "INSERT INTO affiliate_clicks (link_id, clicked_at, address_digest, user_agent_digest) \
             VALUES ($1, $2, $3, $4)",
            vec![
                click.link.to_string().into(),
                micros(click.at).into(),
                click.address_digest.clone().into(),
                click.user_agent_digest.clone().into(),
            ],
        )
        .await
        .map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::add_referral", skip_all)]
    async fn add_referral(&self, referral: &Referral) -> Result<bool, StorageError> {
        let added = self
            .execute(
                "INSERT INTO referrals (referred_id, affiliate_id, link_id, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (referred_id) DO NOTHING",
                vec![
                    referral.referred.to_string().into(),
                    referral.affiliate.to_string().into(),
                    referral.link.to_string().into(),
                    micros(referral.at).into(),
                ],
            )
            .await;
        match added {
            Ok(rows) => Ok(rows == 1),
            Err(error) if is_unique_violation(&error, "referred_id") => Ok(false),
            Err(error) => Err(storage(error)),
        }
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::referral_of", skip_all, fields(referred = %referred))]
    async fn referral_of(&self, referred: AccountId) -> Result<Option<Referral>, StorageError> {
        let found: Vec<ReferralRow> = typed(
            &self.db,
            &format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE referred_id = $1"),
            vec![referred.to_string().into()],
        )
        .await?;
        found.into_iter().next().map(Referral::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaAffiliates::referrals", skip_all, fields(affiliate = %affiliate))]
    async fn referrals(
        &self,
        affiliate: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Referral>, StorageError> {
        affiliate_page::<ReferralRow, _>(
            &self.db,
            ("referrals", REFERRAL_COLUMNS, "referred_id"),
            affiliate,
            page,
            |last: &Referral| Cursor {
                created_at: last.at,
                id: last.referred.to_string(),
            },
        )
        .await
    }
}
