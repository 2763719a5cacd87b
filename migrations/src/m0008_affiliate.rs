//! The affiliate program: affiliates, links, clicks, referrals, the commission
//! ledger, payout destinations and payouts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Written as SQL both engines accept: integer ids for clicks differ (`BIGSERIAL`
/// against `INTEGER PRIMARY KEY`), everything else is shared.
const SHARED: &str = "
CREATE TABLE affiliates (
    account_id VARCHAR(36) PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    joined_at BIGINT NOT NULL
);
CREATE TABLE affiliate_links (
    id VARCHAR(36) PRIMARY KEY,
    affiliate_id VARCHAR(36) NOT NULL REFERENCES affiliates (account_id) ON DELETE CASCADE,
    code VARCHAR(16) NOT NULL UNIQUE,
    landing_url VARCHAR(2048),
    campaign VARCHAR(260),
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_affiliate_links_affiliate ON affiliate_links (affiliate_id, created_at);
CREATE TABLE referrals (
    referred_id VARCHAR(36) PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    affiliate_id VARCHAR(36) NOT NULL REFERENCES affiliates (account_id) ON DELETE CASCADE,
    link_id VARCHAR(36) NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_referrals_list ON referrals (affiliate_id, created_at, referred_id);
CREATE TABLE affiliate_payment_events (
    event_id VARCHAR(100) PRIMARY KEY,
    payment_minor BIGINT NOT NULL,
    refunded_minor BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE affiliate_refund_events (
    event_id VARCHAR(100) PRIMARY KEY
);
CREATE TABLE commissions (
    id VARCHAR(36) PRIMARY KEY,
    affiliate_id VARCHAR(36) NOT NULL REFERENCES affiliates (account_id) ON DELETE CASCADE,
    referred_id VARCHAR(36) NOT NULL,
    payment_event_id VARCHAR(100) NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL,
    status VARCHAR(16) NOT NULL,
    approve_after BIGINT NOT NULL,
    payout_id VARCHAR(36),
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_commissions_list ON commissions (affiliate_id, created_at, id);
CREATE INDEX ix_commissions_payment ON commissions (payment_event_id);
CREATE INDEX ix_commissions_due ON commissions (status, approve_after);
CREATE TABLE payout_destinations (
    id VARCHAR(36) PRIMARY KEY,
    affiliate_id VARCHAR(36) NOT NULL REFERENCES affiliates (account_id) ON DELETE CASCADE,
    kind VARCHAR(20) NOT NULL,
    paypal_email VARCHAR(254),
    account_holder VARCHAR(400),
    iban VARCHAR(34),
    bic VARCHAR(11),
    created_at BIGINT NOT NULL
);
CREATE TABLE payouts (
    id VARCHAR(36) PRIMARY KEY,
    affiliate_id VARCHAR(36) NOT NULL REFERENCES affiliates (account_id) ON DELETE CASCADE,
    destination_id VARCHAR(36) NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL,
    status VARCHAR(16) NOT NULL,
    requested_at BIGINT NOT NULL,
    paid_at BIGINT
);
CREATE INDEX ix_payouts_affiliate ON payouts (affiliate_id, requested_at);
";

const CLICKS_POSTGRES: &str = "
CREATE TABLE affiliate_clicks (
    id BIGSERIAL PRIMARY KEY,
    link_id VARCHAR(36) NOT NULL REFERENCES affiliate_links (id) ON DELETE CASCADE,
    clicked_at BIGINT NOT NULL,
    address_digest VARCHAR(64),
    user_agent_digest VARCHAR(64)
);
CREATE INDEX ix_affiliate_clicks_link ON affiliate_clicks (link_id);
";

const CLICKS_SQLITE: &str = "
CREATE TABLE affiliate_clicks (
    id INTEGER PRIMARY KEY,
    link_id VARCHAR(36) NOT NULL REFERENCES affiliate_links (id) ON DELETE CASCADE,
    clicked_at BIGINT NOT NULL,
    address_digest VARCHAR(64),
    user_agent_digest VARCHAR(64)
);
CREATE INDEX ix_affiliate_clicks_link ON affiliate_clicks (link_id);
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let clicks = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => CLICKS_POSTGRES,
            _ => CLICKS_SQLITE,
        };
        for statement in SHARED.split(';').chain(clicks.split(';')) {
            if !statement.trim().is_empty() {
                db.execute_unprepared(statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in [
            "affiliate_clicks",
            "payouts",
            "payout_destinations",
            "commissions",
            "affiliate_refund_events",
            "affiliate_payment_events",
            "referrals",
            "affiliate_links",
            "affiliates",
        ] {
            db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await?;
        }
        Ok(())
    }
}
