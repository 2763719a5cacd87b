//! Account protection: known-device credentials, and when each session last proved
//! the password (for the recent-authentication window).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer, string_len};

use crate::helpers::owned_by_account;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KnownDevices {
    Table,
    TokenDigest,
    AccountId,
    CreatedAt,
    ExpiresAt,
    Failures,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    AuthenticatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KnownDevices::Table)
                    .col(string_len(KnownDevices::TokenDigest, 64).primary_key())
                    .col(string_len(KnownDevices::AccountId, 36))
                    .col(big_integer(KnownDevices::CreatedAt))
                    .col(big_integer(KnownDevices::ExpiresAt))
                    .col(integer(KnownDevices::Failures).default(0))
                    .foreign_key(&mut owned_by_account(
                        KnownDevices::Table,
                        KnownDevices::AccountId,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_known_devices_account")
                    .table(KnownDevices::Table)
                    .col(KnownDevices::AccountId)
                    .col(KnownDevices::ExpiresAt)
                    .take(),
            )
            .await?;
        // Sessions opened before this migration count as never re-authenticated:
        // their first sensitive change asks for the password again.
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(big_integer(Sessions::AuthenticatedAt).default(0))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::AuthenticatedAt)
                    .take(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(KnownDevices::Table).take())
            .await
    }
}
