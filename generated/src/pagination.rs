//! Auto-pagination of cursor-paged lists (`{data, first_id, last_id, has_more}`).
//! The generator finds these operations in the spec and gives their requests
//! `pages()` and `items()`.

use std::future::Future;

use futures::{stream, Stream, TryStreamExt};

use crate::{Error, Request, Response};

/// A page of a cursor-paged list.
pub trait Page {
    /// What the list holds.
    type Item;
    /// The id of the first item, the cursor for the previous page.
    fn first_id(&self) -> Option<&str>;
    /// The id of the last item, the cursor for the next page.
    fn last_id(&self) -> Option<&str>;
    /// Whether more items lie further in the direction of paging.
    fn has_more(&self) -> bool;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// The page after this id.
    After(String),
    /// The page before this id.
    Before(String),
}

/// Pages of `request`, fetched lazily; `fetch` sends the request moved to a
/// cursor (`None` for the first page, sent as the caller built it).
pub(crate) fn pages<'a, B, P, F, Fut>(
    request: Request<B>,
    fetch: F,
) -> impl Stream<Item = Result<Response<P>, Error>> + 'a
where
    B: Clone + 'a,
    P: Page + 'a,
    F: Fn(Request<B>, Option<Cursor>) -> Fut + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + 'a,
{
    let backward = request.backward;
    // The state is the cursor of the next page to fetch; `None` ends the stream.
    stream::unfold(Some(None), move |state: Option<Option<Cursor>>| {
        let pending = state.map(|cursor| (fetch(request.clone(), cursor.clone()), cursor));
        async move {
            let (fetching, cursor) = pending?;
            match fetching.await {
                Ok(page) => {
                    let next = next_cursor(page.body(), backward)
                        .filter(|next| Some(next) != cursor.as_ref());
                    Some((Ok(page), next.map(Some)))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    })
}

/// The cursor after `page`, or `None` when the list is exhausted. A page that
/// claims more but gives no cursor ends the list rather than looping.
fn next_cursor<P: Page>(page: &P, backward: bool) -> Option<Cursor> {
    if !page.has_more() {
        return None;
    }
    if backward {
        page.first_id().map(|id| Cursor::Before(id.to_string()))
    } else {
        page.last_id().map(|id| Cursor::After(id.to_string()))
    }
}

/// The items of `pages`, one page in memory at a time.
pub(crate) fn items<'a, P: Page + 'a>(
    pages: impl Stream<Item = Result<Response<P>, Error>> + 'a,
) -> impl Stream<Item = Result<P::Item, Error>> + 'a
where
    P::Item: 'a,
{
    pages
        .map_ok(|page| stream::iter(page.into_inner().into_items().into_iter().map(Ok)))
        .try_flatten()
}
