//! Cutting off clients that stall while sending a body.
//!
//! Handlers read bodies with a deadline (`read_body`) and answer 408. But when a handler is done with a
//! request whose body has not fully arrived, actix-http decides what to do with the connection by whether
//! the request's payload still exists: if it was dropped and the body is chunked, it keeps reading to
//! discard the rest, for as long as the client likes (a stalled client then holds the connection forever);
//! if it still exists, it closes the connection after the response. This middleware keeps each request's
//! payload alive until its response has been written, so an unfinished body always ends the connection.

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse};
use actix_web::web::Bytes;
use actix_web::{Error, error::PayloadError};
use futures_core::Stream;
use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The request's payload, shared between the handler (which reads it) and the response (which keeps
/// it alive until written).
struct Shared(Rc<RefCell<Payload>>);

impl Stream for Shared {
    type Item = Result<Bytes, PayloadError>;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut *self.0.borrow_mut()).poll_next(cx)
    }
}

/// A response body that holds the request's payload until it has been written.
struct Holding {
    body: BoxBody,
    _payload: Rc<RefCell<Payload>>,
}

impl MessageBody for Holding {
    type Error = Box<dyn std::error::Error>;
    fn size(&self) -> BodySize {
        self.body.size()
    }
    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}

/// The middleware (`App::wrap_fn`): hands the handler a shared view of the payload and keeps the payload
/// itself in the response body.
pub fn hold_payload<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<BoxBody>, Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    // Most requests (every GET) have no body: nothing to hold.
    let has_body = req
        .headers()
        .contains_key(actix_web::http::header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    let (call, held) = if has_body {
        let (http, payload) = req.into_parts();
        let payload = Rc::new(RefCell::new(payload));
        let shared: Payload = Payload::Stream {
            payload: Box::pin(Shared(payload.clone())),
        };
        (
            srv.call(ServiceRequest::from_parts(http, shared)),
            Some(payload),
        )
    } else {
        (srv.call(req), None)
    };
    async move {
        let res = call.await?;
        Ok(match held {
            Some(payload) => res.map_body(|_, body| {
                BoxBody::new(Holding {
                    body: BoxBody::new(body),
                    _payload: payload,
                })
            }),
            None => res.map_into_boxed_body(),
        })
    }
}
