//! Keyset pagination.
//!
//! Lists are read with `WHERE (created_at, id) after the cursor ORDER BY created_at, id
//! LIMIT n`: the cost of a page does not grow with its depth, unlike `OFFSET`. A
//! [`Cursor`] is the sort key of the last item of a page, handed to the client as an
//! opaque base64url string.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

/// A cursor the server did not hand out (or one that was tampered with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cursor is not one this server handed out")]
pub struct InvalidCursor;

/// The sort key of the last item a client has seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Creation time of that item.
    pub created_at: OffsetDateTime,
    /// Its id in text form, the tie-breaker between items created in the same instant.
    pub id: String,
}

impl Cursor {
    /// The opaque text form given to clients.
    pub fn encode(&self) -> String {
        let nanos = self.created_at.unix_timestamp_nanos();
        URL_SAFE_NO_PAD.encode(format!("{nanos}|{}", self.id))
    }

    /// Reads a cursor back from its text form.
    pub fn decode(text: &str) -> Result<Self, InvalidCursor> {
        if text.len() > 128 {
            return Err(InvalidCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| InvalidCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| InvalidCursor)?;
        let (nanos, id) = text.split_once('|').ok_or(InvalidCursor)?;
        let nanos: i128 = nanos.parse().map_err(|_| InvalidCursor)?;
        // Only instants a clock could have produced: from the epoch to year 9999.
        if !(0..=253_402_300_799_999_999_999).contains(&nanos) {
            return Err(InvalidCursor);
        }
        let created_at =
            OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| InvalidCursor)?;
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        {
            return Err(InvalidCursor);
        }
        Ok(Self {
            created_at,
            id: id.to_owned(),
        })
    }
}

/// Which page of a list to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    limit: u64,
    after: Option<Cursor>,
}

impl PageRequest {
    /// Items per page when the client does not say.
    pub const DEFAULT_LIMIT: u64 = 50;
    /// The most items one page may hold; larger requests are clamped to it.
    pub const MAX_LIMIT: u64 = 200;

    /// Builds a request from the `limit` and `cursor` query parameters.
    ///
    /// A limit above the maximum is clamped; zero is raised to one (an empty page would
    /// tell the client nothing).
    pub fn new(limit: Option<u64>, cursor: Option<&str>) -> Result<Self, InvalidCursor> {
        let limit = limit
            .unwrap_or(Self::DEFAULT_LIMIT)
            .clamp(1, Self::MAX_LIMIT);
        let after = cursor.map(Cursor::decode).transpose()?;
        Ok(Self { limit, after })
    }

    /// The first page with the default size.
    pub fn first() -> Self {
        Self {
            limit: Self::DEFAULT_LIMIT,
            after: None,
        }
    }

    /// How many items the page holds at most.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The cursor to continue after, if any.
    pub fn after(&self) -> Option<&Cursor> {
        self.after.as_ref()
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows read in list order: the extra row, if
    /// present, only proves that another page exists and is dropped.
    pub fn from_overfetch(
        mut rows: Vec<T>,
        request: &PageRequest,
        key: impl Fn(&T) -> Cursor,
    ) -> Self {
        let limit = usize::try_from(request.limit()).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(&key)
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// Transforms the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn limits_default_and_clamp() {
        assert_eq!(PageRequest::new(None, None).unwrap().limit(), 50);
        assert_eq!(PageRequest::new(Some(0), None).unwrap().limit(), 1);
        assert_eq!(PageRequest::new(Some(10_000), None).unwrap().limit(), 200);
    }

    #[test]
    fn a_foreign_cursor_is_refused() {
        assert_eq!(PageRequest::new(None, Some("nope")), Err(InvalidCursor));
        assert_eq!(Cursor::decode("MTIz"), Err(InvalidCursor));
    }

    #[test]
    fn a_cursor_from_before_the_epoch_or_after_year_9999_is_refused() {
        let forged = |nanos: &str| URL_SAFE_NO_PAD.encode(format!("{nanos}|01"));
        assert_eq!(Cursor::decode(&forged("-1")), Err(InvalidCursor));
        assert_eq!(
            Cursor::decode(&forged("253402300800000000000")),
            Err(InvalidCursor)
        );
        assert!(Cursor::decode(&forged("0")).is_ok());
    }

    #[test]
    fn an_overfetched_row_becomes_the_next_cursor() {
        let request = PageRequest::new(Some(2), None).unwrap();
        let at = OffsetDateTime::UNIX_EPOCH;
        let key = |n: &u8| Cursor {
            created_at: at,
            id: format!("{n:02x}"),
        };
        let page = Page::from_overfetch(vec![1u8, 2, 3], &request, key);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor.unwrap().id, "02");
        let last = Page::from_overfetch(vec![1u8, 2], &request, key);
        assert_eq!(last.next_cursor, None);
    }

    proptest! {
        #[test]
        fn cursors_survive_their_text_form(nanos in 0i128..253_402_300_799_999_999_999i128, id in "[0-9a-f-]{1,36}") {
            let cursor = Cursor { created_at: OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap(), id };
            prop_assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        }

        #[test]
        fn arbitrary_text_never_panics_the_decoder(text in "\\PC{0,80}") {
            let _ = Cursor::decode(&text);
        }
    }
}
