//! The `delegates` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delegates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub owner_id: String,
    pub email: String,
    pub email_key: String,
    pub scope_all: bool,
    pub status: String,
    pub delegate_id: Option<String>,
    pub token_digest: Option<String>,
    pub invited_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
