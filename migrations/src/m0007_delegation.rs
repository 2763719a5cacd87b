//! Contract products and delegates.

use sea_orm_migration::prelude::*;

use crate::helpers::owned_by_account;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, string_len, string_len_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    AccountId,
    ProductId,
    Name,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Delegates {
    Table,
    Id,
    OwnerId,
    Email,
    EmailKey,
    ScopeAll,
    Status,
    DelegateId,
    TokenDigest,
    InvitedAt,
    ExpiresAt,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum DelegateProducts {
    Table,
    DelegateId,
    ProductId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(string_len(Products::AccountId, 36))
                    .col(string_len(Products::ProductId, 64))
                    .col(string_len_null(Products::Name, 800))
                    .col(big_integer(Products::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(Products::AccountId)
                            .col(Products::ProductId),
                    )
                    .foreign_key(&mut owned_by_account(Products::Table, Products::AccountId))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Delegates::Table)
                    .col(string_len(Delegates::Id, 36).primary_key())
                    .col(string_len(Delegates::OwnerId, 36))
                    .col(string_len(Delegates::Email, 254))
                    .col(string_len(Delegates::EmailKey, 254))
                    .col(boolean(Delegates::ScopeAll))
                    .col(string_len(Delegates::Status, 16))
                    .col(string_len_null(Delegates::DelegateId, 36))
                    .col(string_len_null(Delegates::TokenDigest, 64).unique_key())
                    .col(big_integer(Delegates::InvitedAt))
                    .col(big_integer(Delegates::ExpiresAt))
                    .col(big_integer_null(Delegates::AcceptedAt))
                    .foreign_key(&mut owned_by_account(Delegates::Table, Delegates::OwnerId))
                    .foreign_key(&mut owned_by_account(
                        Delegates::Table,
                        Delegates::DelegateId,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_delegates_owner_list")
                    .table(Delegates::Table)
                    .col(Delegates::OwnerId)
                    .col(Delegates::InvitedAt)
                    .col(Delegates::Id)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_delegates_delegate")
                    .table(Delegates::Table)
                    .col(Delegates::DelegateId)
                    .take(),
            )
            .await?;
        // One live delegate per owner and address, and one active grant per owner
        // and delegate account: racing invitations or acceptances cannot both land.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_delegates_owner_email_live ON delegates (owner_id, email_key) \
                 WHERE status <> 'revoked'",
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_delegates_owner_delegate_active ON delegates (owner_id, delegate_id) \
                 WHERE status = 'active'",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DelegateProducts::Table)
                    .col(string_len(DelegateProducts::DelegateId, 36))
                    .col(string_len(DelegateProducts::ProductId, 64))
                    .primary_key(
                        Index::create()
                            .col(DelegateProducts::DelegateId)
                            .col(DelegateProducts::ProductId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DelegateProducts::Table, DelegateProducts::DelegateId)
                            .to(Delegates::Table, Delegates::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DelegateProducts::Table.into_iden(),
            Delegates::Table.into_iden(),
            Products::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
