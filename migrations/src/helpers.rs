//! Pieces several migrations share.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

/// A foreign key from `table.column` to `accounts.id` that goes with the account.
pub(crate) fn owned_by_account<T: IntoIden + 'static>(
    table: T,
    column: T,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}
