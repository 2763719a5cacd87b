//! Accounts, emails, credentials, sessions, phones, postal addresses, companies.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, boolean, string_len, string_len_null, string_len_uniq, text,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Username,
    UsernameKey,
    FirstName,
    LastName,
    Language,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AccountEmails {
    Table,
    Id,
    AccountId,
    Address,
    AddressKey,
    Verified,
    IsPrimary,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Credentials {
    Table,
    AccountId,
    PasswordHash,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    AccountId,
    TokenDigest,
    CreatedAt,
    LastSeenAt,
    AbsoluteExpiresAt,
    ClientIp,
    UserAgent,
}

#[derive(DeriveIden)]
enum Phones {
    Table,
    Id,
    AccountId,
    Number,
    Label,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PostalAddresses {
    Table,
    Id,
    AccountId,
    Line1,
    Line2,
    City,
    Region,
    PostalCode,
    Country,
    DefaultBilling,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    AccountId,
    Name,
    TaxId,
    UpdatedAt,
}

/// Instants are stored as whole microseconds since the Unix epoch (UTC): the same
/// type, order and precision on SQLite and PostgreSQL (see docs/adr/0003).
fn instant<T: IntoIden>(name: T) -> ColumnDef {
    big_integer(name)
}

/// Ids are UUIDs in text form: portable, and readable in either database's shell.
const ID_LEN: u32 = 36;

fn id_column<T: IntoIden>(name: T) -> ColumnDef {
    string_len(name, ID_LEN).primary_key().take()
}

fn owner_key<T: IntoIden + 'static, C: IntoIden + 'static>(
    table: T,
    column: C,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

/// Every per-account list is read newest- or oldest-first by `(created_at, id)`
/// within one account: this index serves those keyset pages.
fn list_index<T: IntoTableRef>(name: &str, table: T) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .table(table)
        .col(Alias::new("account_id"))
        .col(Alias::new("created_at"))
        .col(Alias::new("id"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(id_column(Accounts::Id))
                    .col(string_len(Accounts::Username, 32))
                    .col(string_len_uniq(Accounts::UsernameKey, 32))
                    .col(string_len(Accounts::FirstName, 100))
                    .col(string_len(Accounts::LastName, 100))
                    .col(string_len(Accounts::Language, 35))
                    .col(instant(Accounts::CreatedAt))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountEmails::Table)
                    .col(id_column(AccountEmails::Id))
                    .col(string_len(AccountEmails::AccountId, ID_LEN))
                    .col(string_len(AccountEmails::Address, 254))
                    .col(string_len_uniq(AccountEmails::AddressKey, 254))
                    .col(boolean(AccountEmails::Verified))
                    .col(boolean(AccountEmails::IsPrimary))
                    .col(instant(AccountEmails::CreatedAt))
                    .foreign_key(&mut owner_key(
                        AccountEmails::Table,
                        AccountEmails::AccountId,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(list_index("ix_account_emails_list", AccountEmails::Table))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Credentials::Table)
                    .col(id_column(Credentials::AccountId))
                    .col(text(Credentials::PasswordHash))
                    .col(instant(Credentials::UpdatedAt))
                    .foreign_key(&mut owner_key(Credentials::Table, Credentials::AccountId))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id_column(Sessions::Id))
                    .col(string_len(Sessions::AccountId, ID_LEN))
                    .col(string_len_uniq(Sessions::TokenDigest, 64))
                    .col(instant(Sessions::CreatedAt))
                    .col(instant(Sessions::LastSeenAt))
                    .col(instant(Sessions::AbsoluteExpiresAt))
                    .col(string_len_null(Sessions::ClientIp, 45))
                    .col(string_len_null(Sessions::UserAgent, 1024))
                    .foreign_key(&mut owner_key(Sessions::Table, Sessions::AccountId))
                    .take(),
            )
            .await?;
        manager
            .create_index(list_index("ix_sessions_list", Sessions::Table))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Phones::Table)
                    .col(id_column(Phones::Id))
                    .col(string_len(Phones::AccountId, ID_LEN))
                    .col(string_len(Phones::Number, 16))
                    .col(string_len_null(Phones::Label, 160))
                    .col(instant(Phones::CreatedAt))
                    .foreign_key(&mut owner_key(Phones::Table, Phones::AccountId))
                    .take(),
            )
            .await?;
        manager
            .create_index(list_index("ix_phones_list", Phones::Table))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_phones_account_number")
                    .table(Phones::Table)
                    .col(Phones::AccountId)
                    .col(Phones::Number)
                    .unique()
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PostalAddresses::Table)
                    .col(id_column(PostalAddresses::Id))
                    .col(string_len(PostalAddresses::AccountId, ID_LEN))
                    .col(string_len(PostalAddresses::Line1, 800))
                    .col(string_len_null(PostalAddresses::Line2, 800))
                    .col(string_len(PostalAddresses::City, 800))
                    .col(string_len_null(PostalAddresses::Region, 800))
                    .col(string_len(PostalAddresses::PostalCode, 16))
                    .col(string_len(PostalAddresses::Country, 2))
                    .col(boolean(PostalAddresses::DefaultBilling))
                    .col(instant(PostalAddresses::CreatedAt))
                    .foreign_key(&mut owner_key(
                        PostalAddresses::Table,
                        PostalAddresses::AccountId,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(list_index(
                "ix_postal_addresses_list",
                PostalAddresses::Table,
            ))
            .await?;
        // At most one default billing address per account, enforced by the database.
        // Both SQLite and PostgreSQL accept this partial index verbatim.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_postal_addresses_default \
                 ON postal_addresses (account_id) WHERE default_billing",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(id_column(Companies::AccountId))
                    .col(string_len(Companies::Name, 800))
                    .col(string_len_null(Companies::TaxId, 120))
                    .col(instant(Companies::UpdatedAt))
                    .foreign_key(&mut owner_key(Companies::Table, Companies::AccountId))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Companies::Table.into_iden(),
            PostalAddresses::Table.into_iden(),
            Phones::Table.into_iden(),
            Sessions::Table.into_iden(),
            Credentials::Table.into_iden(),
            AccountEmails::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
