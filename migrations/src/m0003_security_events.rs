//! The security audit trail.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string_len, string_len_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SecurityEvents {
    Table,
    Id,
    AccountId,
    Kind,
    CreatedAt,
    ClientIp,
    UserAgent,
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SecurityEvents::Table)
                    .col(string_len(SecurityEvents::Id, 36).primary_key())
                    .col(string_len(SecurityEvents::AccountId, 36))
                    .col(string_len(SecurityEvents::Kind, 40))
                    .col(big_integer(SecurityEvents::CreatedAt))
                    .col(string_len_null(SecurityEvents::ClientIp, 45))
                    .col(string_len_null(SecurityEvents::UserAgent, 1024))
                    .col(string_len_null(SecurityEvents::Detail, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SecurityEvents::Table, SecurityEvents::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_security_events_list")
                    .table(SecurityEvents::Table)
                    .col(SecurityEvents::AccountId)
                    .col(SecurityEvents::CreatedAt)
                    .col(SecurityEvents::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SecurityEvents::Table).take())
            .await
    }
}
