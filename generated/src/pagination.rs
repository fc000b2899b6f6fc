//! Auto-pagination. The generator finds the paged lists in the spec and
//! gives their requests `pages()` and `items()`; two kinds exist:
//!
//! - cursor ids: `after_id`/`before_id` in, `{data, first_id, last_id,
//!   has_more}` out; paging goes forward by `last_id`, or backward by
//!   `first_id` when the caller started from `before_id`;
//! - page tokens: `page` in, `{data, next_page, has_more}` out.

use std::future::Future;

use futures::stream::BoxStream;
use futures::{stream, Stream, StreamExt, TryStreamExt};

use crate::{Error, Response};

/// Every page of a list, fetched as the stream is polled: what a paged
/// request's `pages()` returns. Boxed, so it can be polled with
/// `try_next()` as it is, and sent to another task.
pub type Pages<'a, P> = BoxStream<'a, Result<Response<P>, Error>>;

/// Every item of a list across its pages: what a paged request's `items()`
/// returns (`while let Some(item) = items.try_next().await? { .. }`).
pub type Items<'a, T> = BoxStream<'a, Result<T, Error>>;

/// A page of a paged list.
pub trait Page {
    /// What the list holds.
    type Item;
    /// Where the next page starts, going backward (for cursor ids, when the
    /// caller set `before_id`) or forward; `None` when the list is
    /// exhausted in that direction.
    fn next_cursor(&self, backward: bool) -> Option<Cursor>;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cursor {
    /// The page after this id (`after_id`).
    After(String),
    /// The page before this id (`before_id`).
    Before(String),
    /// The page with this token (`page`).
    Token(String),
}

/// The cursor after a page of a cursor-id list. A page that claims more but
/// gives no cursor ends the list rather than looping.
pub(crate) fn by_ids(
    has_more: bool,
    backward: bool,
    first_id: Option<&str>,
    last_id: Option<&str>,
) -> Option<Cursor> {
    if !has_more {
        return None;
    }
    if backward {
        first_id.map(|id| Cursor::Before(id.to_string()))
    } else {
        last_id.map(|id| Cursor::After(id.to_string()))
    }
}

// The generator emits this for some kinds of operations; a spec without
// one leaves it unused.
#[allow(dead_code)]
/// The cursor after a page of a page-token list.
pub(crate) fn by_token(has_more: bool, next_page: Option<&str>) -> Option<Cursor> {
    next_page
        .filter(|token| has_more && !token.is_empty())
        .map(|token| Cursor::Token(token.to_string()))
}

/// Pages of `request`, fetched lazily; `fetch` sends the request moved to a
/// cursor (`None` for the first page, sent as the caller built it). A
/// cursor the previous page also gave ends the list, so a server that
/// repeats itself cannot make it loop.
pub(crate) fn pages<'a, R, P, F, Fut>(request: R, backward: bool, fetch: F) -> Pages<'a, P>
where
    R: Clone + Send + 'a,
    P: Page + Send + 'a,
    F: Fn(R, Option<Cursor>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'a,
{
    // The state is the cursor of the next page to fetch; `None` ends the stream.
    stream::unfold(Some(None), move |state: Option<Option<Cursor>>| {
        let pending = state.map(|cursor| (fetch(request.clone(), cursor.clone()), cursor));
        async move {
            let (fetching, cursor) = pending?;
            match fetching.await {
                Ok(page) => {
                    let next = page
                        .body()
                        .next_cursor(backward)
                        .filter(|next| Some(next) != cursor.as_ref());
                    Some((Ok(page), next.map(Some)))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    })
    .boxed()
}

/// The items of `pages`, one page in memory at a time.
pub(crate) fn items<'a, P: Page + Send + 'a>(
    pages: impl Stream<Item = Result<Response<P>, Error>> + Send + 'a,
) -> Items<'a, P::Item>
where
    P::Item: Send + 'a,
{
    pages
        .map_ok(|page| stream::iter(page.into_inner().into_items().into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_follow_the_direction_and_stop_at_the_end() {
        assert_eq!(
            by_ids(true, false, Some("a"), Some("z")),
            Some(Cursor::After("z".into()))
        );
        assert_eq!(
            by_ids(true, true, Some("a"), Some("z")),
            Some(Cursor::Before("a".into()))
        );
        assert_eq!(by_ids(false, false, Some("a"), Some("z")), None);
        assert_eq!(by_ids(true, false, Some("a"), None), None);
        assert_eq!(by_token(true, Some("t2")), Some(Cursor::Token("t2".into())));
        assert_eq!(by_token(false, Some("t2")), None);
        assert_eq!(by_token(true, Some("")), None);
        assert_eq!(by_token(true, None), None);
    }
}
