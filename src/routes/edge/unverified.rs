//! Bodies that must arrive before their sender can be proven (an integration's signature covers the
//! body). Anyone who knows an integration's name can send one, so all of them together may hold at most
//! a fixed number of bytes (`ASSENT_UNVERIFIED_BODIES_MB`): a request that would go over it is refused
//! at once with 503, before its bytes are kept, and each body is fed into its HMAC as it arrives.

use super::form::BodyError;
use actix_web::{HttpRequest, web};
use futures_core::Stream;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The bytes all unverified bodies together may hold.
#[derive(Clone)]
pub struct Budget {
    bytes: Arc<Semaphore>,
    pub total: usize,
}

impl Budget {
    pub fn new(total: usize) -> Budget {
        Budget {
            bytes: Arc::new(Semaphore::new(total.min(Semaphore::MAX_PERMITS))),
            total,
        }
    }

    /// Bytes not held by any unverified body now (what the tests watch return to the total).
    pub fn free(&self) -> usize {
        self.bytes.available_permits()
    }
}

/// Why an unverified body was not accepted.
pub enum Refused {
    Body(BodyError),
    /// The budget is spent by other unverified bodies.
    Busy,
    /// The whole body arrived and does not match its signature.
    Unproven(String),
}

/// Something that checks a body as it arrives and gives its verdict at the end.
pub trait Check {
    type Verdict;
    fn update(&mut self, chunk: &[u8]);
    fn finish(self) -> Result<Self::Verdict, String>;
}

/// Reads a body of at most `limit` bytes within the request deadline, feeding `check` as it arrives,
/// holding its bytes against `budget` until the verdict: the verified body and the verdict, or why not.
pub async fn read<C: Check>(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    mut check: C,
    budget: &Budget,
) -> Result<(web::Bytes, C::Verdict), Refused> {
    if super::form::declared_length(req).is_some_and(|n| n > limit) {
        return Err(Refused::Body(BodyError::TooLarge(limit)));
    }
    let deadline = super::form::deadline(req);
    let mut held: Option<OwnedSemaphorePermit> = None;
    let mut chunks: Vec<web::Bytes> = Vec::new();
    let mut size = 0usize;
    let arrived = tokio::time::timeout(deadline, async {
        while let Some(chunk) =
            std::future::poll_fn(|cx| Pin::new(&mut payload).poll_next(cx)).await
        {
            let chunk = chunk.map_err(|e| Refused::Body(BodyError::Broken(e.to_string())))?;
            size += chunk.len();
            if size > limit {
                return Err(Refused::Body(BodyError::TooLarge(limit)));
            }
            let more = u32::try_from(chunk.len()).map_err(|_| Refused::Busy)?;
            let permit = budget
                .bytes
                .clone()
                .try_acquire_many_owned(more)
                .map_err(|_| Refused::Busy)?;
            match &mut held {
                Some(h) => h.merge(permit),
                None => held = Some(permit),
            }
            check.update(&chunk);
            chunks.push(chunk);
        }
        Ok(())
    })
    .await;
    match arrived {
        Ok(Ok(())) => {}
        Ok(Err(refused)) => return Err(refused),
        Err(_) => return Err(Refused::Body(BodyError::TooSlow(deadline))),
    }
    let verdict = check.finish().map_err(Refused::Unproven)?;
    // Proven: the bytes no longer count against what strangers may hold.
    drop(held);
    let body = match chunks.len() {
        1 => chunks.pop().expect("one chunk"),
        _ => {
            let mut whole = web::BytesMut::with_capacity(size);
            chunks.iter().for_each(|c| whole.extend_from_slice(c));
            whole.freeze()
        }
    };
    Ok((body, verdict))
}
