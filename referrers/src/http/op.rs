//! One operation's budget (one check, one subject's discovery): its deadline, a hard bound on every request it
//! makes (one timer per operation), and its request counter.

use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

/// `now + budget`, saturating at about ten years (a huge `--timeout-seconds` must not overflow).
pub fn deadline_after(budget: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(budget.min(Duration::from_secs(10 * 365 * 86_400)))
        .unwrap_or(now)
}

/// One operation's budget and request counter (one check, one subject's discovery).
#[derive(Debug)]
pub struct Op {
    started: Instant,
    deadline: Instant,
    requests: AtomicU32,
    /// The budget's timer, armed by the first request that has to wait and kept for the operation's later requests:
    /// one timer per operation instead of one per request (a tokio timer costs ≈150 ns to arm and drop on the
    /// benchmark machine; the paired benchmarks saw no change beyond the spread between runs, docs/benchmarks.md).
    /// A request that finds it in use by another request of the same operation arms its own.
    timer: Mutex<Option<Pin<Box<tokio::time::Sleep>>>>,
    timer_in_use: AtomicBool,
}

impl Op {
    /// A new operation with `budget` to spend.
    pub fn new(budget: Duration) -> Op {
        let started = Instant::now();
        Op {
            started,
            deadline: deadline_after(budget),
            requests: AtomicU32::new(0),
            timer: Mutex::new(None),
            timer_in_use: AtomicBool::new(false),
        }
    }

    /// Run `fut` within the operation's budget: `None` when the deadline passes first. A hard bound whatever the
    /// registry does (a trickling answer included).
    ///
    /// `fut` is pinned by the caller, so this future holds a reference to it rather than a second copy of it.
    pub(crate) async fn within<F: Future>(&self, mut fut: Pin<&mut F>) -> Option<F::Output> {
        if self.timer_in_use.swap(true, Ordering::Acquire) {
            // Another request of this operation is waiting on the shared timer (it holds one waker): own timer.
            return tokio::time::timeout(self.remaining(), fut).await.ok();
        }
        struct Release<'a>(&'a AtomicBool);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _release = Release(&self.timer_in_use);
        std::future::poll_fn(|cx| {
            if let Poll::Ready(v) = fut.as_mut().poll(cx) {
                return Poll::Ready(Some(v));
            }
            let mut timer = self.timer.lock().unwrap_or_else(|p| p.into_inner());
            let timer = timer.get_or_insert_with(|| {
                Box::pin(tokio::time::sleep_until(tokio::time::Instant::from_std(
                    self.deadline,
                )))
            });
            timer.as_mut().poll(cx).map(|()| None)
        })
        .await
    }
    /// Count one request sent (retries, redirects and token fetches each count).
    #[inline]
    pub(super) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    /// Time left.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
    /// Requests sent so far (including retries, redirects and token fetches).
    pub fn request_count(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }
    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer_addr(op: &Op) -> Option<usize> {
        op.timer
            .lock()
            .unwrap()
            .as_ref()
            .map(|t| &**t as *const tokio::time::Sleep as usize)
    }

    #[tokio::test]
    async fn the_budget_bounds_every_request_with_one_timer_per_operation() {
        let op = Op::new(Duration::from_millis(150));
        // Ready at once: no timer armed.
        assert_eq!(op.within(std::pin::pin!(async { 1 })).await, Some(1));
        assert_eq!(timer_addr(&op), None);
        // A request that waits arms the operation's timer; the next one reuses it.
        let wait = || tokio::time::sleep(Duration::from_millis(5));
        assert_eq!(op.within(std::pin::pin!(wait())).await, Some(()));
        let first = timer_addr(&op);
        assert!(first.is_some());
        assert_eq!(op.within(std::pin::pin!(wait())).await, Some(()));
        assert_eq!(timer_addr(&op), first);
        // Two at once: the second arms its own timer; both are cut at the deadline.
        let (p1, p2) = (
            std::pin::pin!(std::future::pending::<()>()),
            std::pin::pin!(std::future::pending::<()>()),
        );
        let (a, b) = tokio::join!(op.within(p1), op.within(p2));
        assert_eq!((a, b), (None, None));
        assert!(op.remaining().is_zero());
        // After the deadline, a waiting request ends at once.
        assert_eq!(
            op.within(std::pin::pin!(std::future::pending::<()>()))
                .await,
            None
        );
    }
}
