//! The outbox and email history: messages, their secret delivery copies, their
//! status events, and email verification tokens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, integer, string_len, string_len_null, string_len_uniq, text,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AccountEmails {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    AccountId,
    Recipient,
    Template,
    Language,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    MessageIdHeader,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum MessageSecrets {
    Table,
    MessageId,
    Subject,
    TextBody,
    HtmlBody,
}

#[derive(DeriveIden)]
enum MessageEvents {
    Table,
    Id,
    MessageId,
    At,
    Status,
    Detail,
}

#[derive(DeriveIden)]
enum EmailVerifications {
    Table,
    EmailId,
    TokenDigest,
    ExpiresAt,
}

const ID_LEN: u32 = 36;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(string_len(Messages::Id, ID_LEN).primary_key())
                    .col(string_len_null(Messages::AccountId, ID_LEN))
                    .col(string_len(Messages::Recipient, 254))
                    .col(string_len(Messages::Template, 64))
                    .col(string_len(Messages::Language, 8))
                    .col(text(Messages::Subject))
                    .col(text(Messages::TextBody))
                    .col(text(Messages::HtmlBody))
                    .col(string_len(Messages::Status, 16))
                    .col(integer(Messages::Attempts))
                    .col(big_integer(Messages::NextAttemptAt))
                    .col(big_integer_null(Messages::LeaseUntil))
                    .col(string_len_uniq(Messages::MessageIdHeader, 255))
                    .col(big_integer(Messages::CreatedAt))
                    .col(big_integer_null(Messages::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Messages::Table, Messages::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        // The history: newest first within one account, optionally by status.
        manager
            .create_index(
                Index::create()
                    .name("ix_messages_history")
                    .table(Messages::Table)
                    .col(Messages::AccountId)
                    .col(Messages::CreatedAt)
                    .col(Messages::Id)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_messages_history_by_status")
                    .table(Messages::Table)
                    .col(Messages::AccountId)
                    .col(Messages::Status)
                    .col(Messages::CreatedAt)
                    .col(Messages::Id)
                    .take(),
            )
            .await?;
        // The worker's claims: due queued messages.
        manager
            .create_index(
                Index::create()
                    .name("ix_messages_due")
                    .table(Messages::Table)
                    .col(Messages::Status)
                    .col(Messages::NextAttemptAt)
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MessageSecrets::Table)
                    .col(string_len(MessageSecrets::MessageId, ID_LEN).primary_key())
                    .col(text(MessageSecrets::Subject))
                    .col(text(MessageSecrets::TextBody))
                    .col(text(MessageSecrets::HtmlBody))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MessageSecrets::Table, MessageSecrets::MessageId)
                            .to(Messages::Table, Messages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MessageEvents::Table)
                    .col(string_len(MessageEvents::Id, ID_LEN).primary_key())
                    .col(string_len(MessageEvents::MessageId, ID_LEN))
                    .col(big_integer(MessageEvents::At))
                    .col(string_len(MessageEvents::Status, 16))
                    .col(text(MessageEvents::Detail))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MessageEvents::Table, MessageEvents::MessageId)
                            .to(Messages::Table, Messages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_message_events_message")
                    .table(MessageEvents::Table)
                    .col(MessageEvents::MessageId)
                    .col(MessageEvents::At)
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EmailVerifications::Table)
                    .col(string_len(EmailVerifications::EmailId, ID_LEN).primary_key())
                    .col(string_len_uniq(EmailVerifications::TokenDigest, 64))
                    .col(big_integer(EmailVerifications::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailVerifications::Table, EmailVerifications::EmailId)
                            .to(AccountEmails::Table, AccountEmails::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmailVerifications::Table.into_iden(),
            MessageEvents::Table.into_iden(),
            MessageSecrets::Table.into_iden(),
            Messages::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
