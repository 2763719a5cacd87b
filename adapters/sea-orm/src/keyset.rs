//! Keyset pagination over `(created_at, id)`.

use portico_kernel::StorageError;
use portico_kernel::{Cursor, Page, PageRequest};
use sea_orm::sea_query::{Expr, Order};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use time::OffsetDateTime;

use crate::mapping::micros;

/// Which way a list runs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Direction {
    /// Oldest first.
    Ascending,
    /// Newest first.
    Descending,
}

/// Restricts `select` to the rows after the page's cursor, orders it by
/// `(created_at, id)` and reads one row more than the page holds, which
/// [`into_page`] turns into the next cursor. Served by the `(account_id, created_at,
/// id)` indexes.
pub(crate) fn page_query<E, C>(
    select: Select<E>,
    created_at: C,
    id: C,
    page: &PageRequest,
    direction: Direction,
) -> Select<E>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let order = match direction {
        Direction::Ascending => Order::Asc,
        Direction::Descending => Order::Desc,
    };
    let select = match page.after() {
        None => select,
        Some(cursor) => {
            let (at, key) = (micros(cursor.created_at), cursor.id.clone());
            // The plain bound on `created_at` is implied by the OR, but it is what lets
            // the index seek straight to the cursor instead of walking (and
            // discarding) every row before it: without it a deep page costs O(depth).
            let after = match direction {
                Direction::Ascending => Condition::all().add(created_at.gte(at)).add(
                    Condition::any()
                        .add(created_at.gt(at))
                        .add(Condition::all().add(created_at.eq(at)).add(id.gt(key))),
                ),
                Direction::Descending => Condition::all().add(created_at.lte(at)).add(
                    Condition::any()
                        .add(created_at.lt(at))
                        .add(Condition::all().add(created_at.eq(at)).add(id.lt(key))),
                ),
            };
            select.filter(after)
        }
    };
    select
        .order_by(Expr::col(created_at), order.clone())
        .order_by(Expr::col(id), order)
        .limit(page.limit() + 1)
}

/// Turns the over-fetched rows into a page of domain items; `key` reads the sort key
/// back from a domain item for the next cursor.
pub(crate) fn into_page<M, T>(
    rows: Vec<M>,
    page: &PageRequest,
    map: impl Fn(M) -> Result<T, StorageError>,
    key: impl Fn(&T) -> (OffsetDateTime, String),
) -> Result<Page<T>, StorageError> {
    let items = rows.into_iter().map(map).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, page, |item| {
        let (created_at, id) = key(item);
        Cursor { created_at, id }
    }))
}
