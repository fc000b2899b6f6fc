//! Waiting for a message batch to end: polls `retrieve` with a backoff,
//! as one does by hand between creating a batch and reading its results.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use crate::types::{MessageBatch, MessageBatchProcessingStatus};
use crate::{Error, MessagesBatches, Response};

const FIRST_INTERVAL: Duration = Duration::from_secs(1);
const MAX_INTERVAL: Duration = Duration::from_secs(60);

impl<'a> MessagesBatches<'a> {
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
    /// let batch = client.messages().batches().wait("msgbatch_01").await?;
    /// println!("{} succeeded", batch.request_counts.succeeded);
    /// # Ok(()) }
    /// ```
    pub fn wait(&self, message_batch_id: impl Into<String>) -> BatchWait<'a> {
        BatchWait {
            batches: *self,
            id: message_batch_id.into(),
            interval: FIRST_INTERVAL,
            max_interval: MAX_INTERVAL,
        }
    }
}

/// A wait for a batch to end, from [`MessagesBatches::wait`]: `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a wait does nothing until it is awaited"]
pub struct BatchWait<'a> {
    batches: MessagesBatches<'a>,
    id: String,
    interval: Duration,
    max_interval: Duration,
}

impl BatchWait<'_> {
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

impl<'a> IntoFuture for BatchWait<'a> {
    type Output = Result<Response<MessageBatch>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut waits = intervals(self.interval, self.max_interval);
            loop {
                let batch = self.batches.retrieve(self.id.as_str()).send().await?;
                if batch.processing_status == MessageBatchProcessingStatus::Ended {
                    return Ok(batch);
                }
                let wait = waits.next().unwrap_or(self.max_interval);
                tracing::debug!(
                    batch = %self.id,
                    status = %batch.processing_status,
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
