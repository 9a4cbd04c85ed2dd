//! Schema work (parsing, compiling, compatibility checks, triage) runs on a
//! bounded pool of blocking threads, never on the async workers, so that a
//! request that costs seconds of CPU cannot delay `/health/live` or any
//! request that only reads the store.
//!
//! Two bounds: at most `threads` jobs run at once, and at most `queue` more
//! wait for a thread. A job that finds the queue full is refused at once
//! with [`Error::Overloaded`] (503 with `Retry-After`) instead of waiting
//! without end.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::Error;

/// The pool's bounds, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkLimits {
    /// Jobs that run at once (threads of the blocking pool they occupy).
    pub threads: usize,
    /// Jobs that may wait for a thread; one more is refused.
    pub queue: usize,
}

impl Default for WorkLimits {
    /// One thread per core, and 256 jobs waiting.
    fn default() -> Self {
        WorkLimits {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue: 256,
        }
    }
}

/// The bounded pool schema work runs on.
#[derive(Debug)]
pub struct WorkPool {
    /// Permits for jobs admitted (running or waiting): `threads + queue`.
    admitted: Arc<Semaphore>,
    /// Permits for jobs running: `threads`.
    running: Arc<Semaphore>,
    /// Jobs that run at once.
    threads: usize,
}

impl WorkPool {
    /// A pool with these bounds (each at least 1 thread; the queue may be 0).
    pub fn new(limits: WorkLimits) -> WorkPool {
        let threads = limits.threads.max(1);
        WorkPool {
            admitted: Arc::new(Semaphore::new(threads.saturating_add(limits.queue))),
            running: Arc::new(Semaphore::new(threads)),
            threads,
        }
    }

    /// How many jobs run at once: what one request may split its work into.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `job` on a blocking thread once one of the pool's is free, or
    /// refuses it with [`Error::Overloaded`] when the queue is full. The
    /// permits travel with the job, so a job whose request went away still
    /// counts until it ends. A panic in `job` resumes in the caller (the
    /// request layer turns it into a JSON 500).
    pub async fn run<T, F>(&self, job: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| Error::Overloaded)?;
        let running = Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|_| Error::Overloaded)?;
        let outcome = tokio::task::spawn_blocking(move || {
            let _permits = (admitted, running);
            job()
        })
        .await;
        Ok(outcome.unwrap_or_else(|e| {
            std::panic::resume_unwind(
                e.try_into_panic()
                    .unwrap_or_else(|e| Box::new(e.to_string())),
            )
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_a_free_one_runs() {
        let pool = Arc::new(WorkPool::new(WorkLimits {
            threads: 1,
            queue: 1,
        }));
        let (release, wait) = mpsc::channel::<()>();
        let running = tokio::spawn({
            let pool = Arc::clone(&pool);
            async move { pool.run(move || wait.recv().is_ok()).await }
        });
        let queued = tokio::spawn({
            let pool = Arc::clone(&pool);
            async move { pool.run(|| 2).await }
        });
        // Wait until the first job runs and the second waits.
        while pool.admitted.available_permits() > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(matches!(pool.run(|| 3).await, Err(Error::Overloaded)));
        release.send(()).unwrap();
        assert!(running.await.unwrap().unwrap());
        assert_eq!(queued.await.unwrap().unwrap(), 2);
        assert_eq!(pool.run(|| 4).await.unwrap(), 4);
    }
}
