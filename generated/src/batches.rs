//! Waiting for a message batch to end: polls `retrieve` with a backoff,
//! as one does by hand between creating a batch and reading its results.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

#[cfg(feature = "beta")]
use crate::types::{BetaMessageBatch, BetaMessageBatchProcessingStatus};
use crate::types::{MessageBatch, MessageBatchProcessingStatus};
#[cfg(feature = "beta")]
use crate::BetaMessagesBatches;
use crate::{Error, MessagesBatches, Response};

const FIRST_INTERVAL: Duration = Duration::from_secs(1);
const MAX_INTERVAL: Duration = Duration::from_secs(60);

type Look<'a, B> = Pin<Box<dyn Future<Output = Result<Response<B>, Error>> + Send + 'a>>;

/// A batches resource whose batches [`BatchWait`] can wait for: the plain
/// one ([`MessagesBatches`]) and the beta one ([`BetaMessagesBatches`]).
/// Sealed: the two families are all there is.
pub trait BatchResource<'a>: sealed::Sealed + Copy + Send + Sync + std::fmt::Debug + 'a {
    /// The batch this resource returns.
    type Batch: Send + 'a;

    #[doc(hidden)]
    fn look(self, id: String) -> Look<'a, Self::Batch>;

    #[doc(hidden)]
    fn status(batch: &Self::Batch) -> (bool, String);
}

mod sealed {
    pub trait Sealed {}
}

/// The same wait for both families: their batches differ only in type.
macro_rules! batch_wait {
    ($Resource:ident, $Batch:ident, $Status:ident, $example:literal) => {
        impl sealed::Sealed for $Resource<'_> {}

        impl<'a> BatchResource<'a> for $Resource<'a> {
            type Batch = $Batch;

            // Compiled where the wait is awaited, like `retrieve`'s own `send`.
            #[inline]
            fn look(self, id: String) -> Look<'a, $Batch> {
                Box::pin(async move { self.retrieve(id).send().await })
            }

            fn status(batch: &$Batch) -> (bool, String) {
                let status = &batch.processing_status;
                (*status == $Status::Ended, status.to_string())
            }
        }

        impl<'a> $Resource<'a> {
            /// Waits until the batch `message_batch_id` has ended (its
            /// `processing_status` is `ended`) and returns it, as last retrieved.
            ///
            /// It polls [`retrieve`](Self::retrieve), 1 s after the first look and
            /// then twice as long each time, up to a minute between two looks (both
            /// configurable). Each look is retried like any request; an error that
            /// remains ends the wait with that error. There is no overall deadline:
            /// batches may take up to a day; wrap the future in a timeout to set one.
            ///
            /// ```no_run
            /// # async fn run(client: anthropic_client::Client) -> Result<(), anthropic_client::Error> {
            #[doc = $example]
            /// println!("{} succeeded", batch.request_counts.succeeded);
            /// # Ok(()) }
            /// ```
            pub fn wait(&self, message_batch_id: impl Into<String>) -> BatchWait<'a, Self> {
                BatchWait {
                    batches: *self,
                    id: message_batch_id.into(),
                    interval: FIRST_INTERVAL,
                    max_interval: MAX_INTERVAL,
                    _lifetime: std::marker::PhantomData,
                }
            }
        }
    };
}

batch_wait!(
    MessagesBatches,
    MessageBatch,
    MessageBatchProcessingStatus,
    "let batch = client.messages().batches().wait(\"msgbatch_01\").await?;"
);
#[cfg(feature = "beta")]
batch_wait!(
    BetaMessagesBatches,
    BetaMessageBatch,
    BetaMessageBatchProcessingStatus,
    "let batch = client.beta().messages().batches().wait(\"msgbatch_01\").await?;"
);

/// A wait for a batch to end, from [`MessagesBatches::wait`] or
/// [`BetaMessagesBatches::wait`]: `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a wait does nothing until it is awaited"]
pub struct BatchWait<'a, R: BatchResource<'a> = MessagesBatches<'a>> {
    batches: R,
    id: String,
    interval: Duration,
    max_interval: Duration,
    _lifetime: std::marker::PhantomData<&'a ()>,
}

impl<'a, R: BatchResource<'a>> BatchWait<'a, R> {
    /// How long to wait after the first look before the second; each wait
    /// after it doubles. 1 s by default.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait between two looks; 1 minute by default.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }
}

impl<'a, R: BatchResource<'a>> IntoFuture for BatchWait<'a, R> {
    type Output = Result<Response<R::Batch>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut waits = intervals(self.interval, self.max_interval);
            loop {
                let batch = self.batches.look(self.id.clone()).await?;
                let (ended, status) = R::status(&batch);
                if ended {
                    return Ok(batch);
                }
                let wait = waits.next().unwrap_or(self.max_interval);
                tracing::debug!(
                    batch = %self.id,
                    status = %status,
                    wait_ms = wait.as_millis() as u64,
                    "the batch has not ended yet"
                );
                tokio::time::sleep(wait).await;
            }
        })
    }
}

/// The waits between looks: `first`, then doubling, none longer than `max`.
fn intervals(first: Duration, max: Duration) -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(first.min(max)), move |wait| {
        Some(wait.saturating_mul(2).min(max))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_the_first_included() {
        let ms = |n| Duration::from_millis(n);
        let waits: Vec<_> = intervals(ms(1000), ms(5000)).take(5).collect();
        assert_eq!(waits, [ms(1000), ms(2000), ms(4000), ms(5000), ms(5000)]);
        let waits: Vec<_> = intervals(ms(1500), ms(10)).take(2).collect();
        assert_eq!(waits, [ms(10), ms(10)]);
    }
}
