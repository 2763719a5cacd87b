//! IP whitelists.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, string_len, string_len_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum IpWhitelist {
    Table,
    Id,
    AccountId,
    Cidr,
    Label,
    CreatedAt,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IpWhitelist::Table)
                    .col(string_len(IpWhitelist::Id, 36).primary_key())
                    .col(string_len(IpWhitelist::AccountId, 36))
                    // Canonical text (`192.0.2.0/24`), so equal ranges compare equal.
                    .col(string_len(IpWhitelist::Cidr, 43))
                    .col(string_len_null(IpWhitelist::Label, 240))
                    .col(big_integer(IpWhitelist::CreatedAt))
                    .col(big_integer_null(IpWhitelist::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IpWhitelist::Table, IpWhitelist::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_ip_whitelist_account_cidr")
                    .table(IpWhitelist::Table)
                    .col(IpWhitelist::AccountId)
                    .col(IpWhitelist::Cidr)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IpWhitelist::Table).take())
            .await
    }
}
