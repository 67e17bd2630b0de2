//! Closed-loop load: `N` kept-alive connections, each sending the same GET back to back, for registry throughput.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::floor::{FloorConn, FloorError, ReplayRequest};

/// Connections kept open against a registry.
pub struct Load {
    conns: Vec<FloorConn>,
    req: Arc<ReplayRequest>,
}

impl Load {
    /// Open `conns` connections to `addr` that will send `req`; checks one answer is `expect_status`.
    pub async fn open(
        addr: SocketAddr,
        conns: usize,
        req: ReplayRequest,
        expect_status: u16,
    ) -> Result<Load, String> {
        let mut v = Vec::with_capacity(conns);
        for _ in 0..conns.max(1) {
            v.push(FloorConn::connect(addr).await.map_err(|e| e.to_string())?);
        }
        let a = v[0].send(&req).await.map_err(|e| e.to_string())?;
        if a.status != expect_status {
            return Err(format!(
                "{} {} answered {} (expected {expect_status}): {}",
                req.method,
                req.path,
                a.status,
                String::from_utf8_lossy(&a.body[..a.body.len().min(200)])
            ));
        }
        Ok(Load {
            conns: v,
            req: Arc::new(req),
        })
    }

    /// Send `total` requests spread over the connections, all at once; returns the wall time. Any failure or
    /// unexpected status aborts the measurement with an error.
    pub async fn run(&mut self, total: u64) -> Result<Duration, String> {
        let n = self.conns.len() as u64;
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(self.conns.len());
        for (i, mut c) in self.conns.drain(..).enumerate() {
            let share = total / n + u64::from((i as u64) < total % n);
            let req = self.req.clone();
            tasks.push(tokio::spawn(async move {
                let mut r: Result<(), FloorError> = Ok(());
                for _ in 0..share {
                    if let Err(e) = c.send(&req).await {
                        r = Err(e);
                        break;
                    }
                }
                (c, r)
            }));
        }
        let mut err = None;
        for t in tasks {
            match t.await {
                Ok((c, r)) => {
                    self.conns.push(c);
                    if let Err(e) = r {
                        err = Some(e.to_string());
                    }
                }
                Err(e) => err = Some(e.to_string()),
            }
        }
        let took = start.elapsed();
        match err {
            Some(e) => Err(e),
            None => Ok(took),
        }
    }
}
