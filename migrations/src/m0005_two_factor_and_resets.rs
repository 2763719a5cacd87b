//! Two-factor authentication, recovery codes, password resets, and sessions that wait
//! for their second factor.

use sea_orm_migration::prelude::*;

use crate::helpers::owned_by_account;
use sea_orm_migration::schema::{big_integer, big_integer_null, blob, boolean, string_len};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    SecondFactorPending,
}

#[derive(DeriveIden)]
enum TwoFactor {
    Table,
    AccountId,
    SealedSeed,
    CreatedAt,
    EnabledAt,
    LastUsedStep,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    AccountId,
    Digest,
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Digest,
    AccountId,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(boolean(Sessions::SecondFactorPending).default(false))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TwoFactor::Table)
                    .col(string_len(TwoFactor::AccountId, 36).primary_key())
                    .col(blob(TwoFactor::SealedSeed))
                    .col(big_integer(TwoFactor::CreatedAt))
                    .col(big_integer_null(TwoFactor::EnabledAt))
                    .col(big_integer_null(TwoFactor::LastUsedStep))
                    .foreign_key(&mut owned_by_account(
                        TwoFactor::Table,
                        TwoFactor::AccountId,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(string_len(RecoveryCodes::AccountId, 36))
                    .col(string_len(RecoveryCodes::Digest, 64))
                    .primary_key(
                        Index::create()
                            .col(RecoveryCodes::AccountId)
                            .col(RecoveryCodes::Digest),
                    )
                    .foreign_key(&mut owned_by_account(
                        RecoveryCodes::Table,
                        RecoveryCodes::AccountId,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(string_len(PasswordResets::Digest, 64).primary_key())
                    // One live reset per account: a newer request replaces the row.
                    .col(string_len(PasswordResets::AccountId, 36).unique_key())
                    .col(big_integer(PasswordResets::CreatedAt))
                    .col(big_integer(PasswordResets::ExpiresAt))
                    .foreign_key(&mut owned_by_account(
                        PasswordResets::Table,
                        PasswordResets::AccountId,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PasswordResets::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            TwoFactor::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::SecondFactorPending)
                    .take(),
            )
            .await
    }
}
