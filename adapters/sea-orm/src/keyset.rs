//! Keyset pagination over `(created_at, id)`.

use portico_kernel::{Cursor, Page, PageRequest};
use sea_orm::sea_query::{Expr, Order};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use time::OffsetDateTime;

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
            let (at, key) = (cursor.created_at, cursor.id.clone());
            let after = match direction {
                Direction::Ascending => Condition::any()
                    .add(created_at.gt(at))
                    .add(Condition::all().add(created_at.eq(at)).add(id.gt(key))),
                Direction::Descending => Condition::any()
                    .add(created_at.lt(at))
                    .add(Condition::all().add(created_at.eq(at)).add(id.lt(key))),
            };
            select.filter(after)
        }
    };
    select
        .order_by(Expr::col(created_at), order.clone())
        .order_by(Expr::col(id), order)
        .limit(page.limit() + 1)
}

/// Turns the over-fetched rows into a page of domain items.
pub(crate) fn into_page<M, T, E>(
    rows: Vec<M>,
    page: &PageRequest,
    key: impl Fn(&M) -> (OffsetDateTime, String),
    map: impl Fn(M) -> Result<T, E>,
) -> Result<Page<T>, E> {
    let page = Page::from_overfetch(rows, page, |row| {
        let (created_at, id) = key(row);
        Cursor { created_at, id }
    });
    let items = page.items.into_iter().map(map).collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
