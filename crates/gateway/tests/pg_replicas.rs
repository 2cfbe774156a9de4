//! Three gateway replicas in this process on one lark-sim app and one PostgreSQL database
//! (`#[ignore]`d unless asked for, as `scripts/test` does): every message answered exactly
//! once and in order per chat, over websockets and over webhooks spread by a round-robin
//! balancer, and while the database goes away under load and comes back.

mod common;
mod pg;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use pg::fleet::{self, Fleet};

fn chats(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("oc_chat{i:02}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn three_replicas_answer_every_message_once_and_in_order() {
    let url = pg::fresh_db("three_replicas_answer_every_message_once_and_in_order").await;
    let mut f = fleet::start(3, &url, lark_sim::SimConfig::default(), None).await;
    let chats = chats(8);
    f.seed_groups(&chats);
    let sent = fleet::flood(&f, &chats, 25);
    f.assert_all_answered_once_in_order(&sent).await;
    // What the order costs: a read of the chat's history before a turn, at most one per
    // turn, one for a whole backlog.
    let reads = f.history_reads();
    assert!(
        reads <= 8 * 25,
        "{reads} history reads for {} turns",
        8 * 25
    );
    eprintln!("flood: {reads} history reads for {} turns", 8 * 25);
    let took = f.closed_loop(&chats[0], 20).await;
    let mean = took.iter().sum::<Duration>() / took.len() as u32;
    eprintln!(
        "one at a time: {} history reads for 20 turns, {mean:?} from message to reply on average",
        f.history_reads() - reads
    );
    f.shutdown().await;
}

/// A message pushed into one replica's socket that swallows it (a half-open connection, a
/// replica about to die) is not recorded anywhere until the platform's redelivery, 18 s later;
/// the replica answering the chat's next message finds it in the chat's history first, so it
/// is answered in its place, and once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn a_message_lost_in_one_replicas_socket_is_answered_in_its_place() {
    let url = pg::fresh_db("a_message_lost_in_one_replicas_socket").await;
    let mut f = fleet::start(3, &url, lark_sim::SimConfig::default(), None).await;
    let chats = chats(4);
    f.seed_groups(&chats);
    let conns = f.sim.state().connection_ids(fleet::APP);
    f.sim
        .state()
        .set_silent_connection(fleet::APP, conns.first().copied(), true)
        .unwrap();
    let mut sent = fleet::flood(&f, &chats, 12);
    // Every push made (one attempt each), before the socket speaks again.
    let ids: Vec<String> = sent
        .values()
        .flatten()
        .map(|m| m.event_id.clone())
        .collect();
    let deadline = tokio::time::Instant::now() + fleet::WAIT;
    loop {
        let deliveries = f.sim.state().deliveries(fleet::APP).unwrap();
        let pushed = deliveries
            .iter()
            .filter(|d| ids.contains(&d.event_id) && !d.attempts.is_empty())
            .count();
        if pushed == ids.len() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{pushed} of {} pushed",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A swallowed last message would have no successor to be read before, and wait for its
    // redelivery; one more message per chat over sockets that all carry events again.
    f.sim
        .state()
        .set_silent_connection(fleet::APP, conns.first().copied(), false)
        .unwrap();
    for (chat, more) in fleet::flood(&f, &chats, 1) {
        sent.get_mut(&chat).unwrap().extend(more);
    }
    f.assert_all_answered_once_in_order(&sent).await;
    let deliveries = f.sim.state().deliveries(fleet::APP).unwrap();
    let swallowed = deliveries
        .iter()
        .filter(|d| d.status != lark_sim::DeliveryStatus::Acked)
        .count();
    assert!(
        swallowed > 0,
        "no message was swallowed: the test proves nothing"
    );
    f.shutdown().await;
}

/// A load balancer: each POST goes to the next replica in turn.
async fn balancer(targets: Arc<Mutex<Vec<std::net::SocketAddr>>>) -> String {
    let next = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::new();
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
            let (targets, next, client) = (targets.clone(), next.clone(), client.clone());
            async move {
                let addrs = targets.lock().unwrap().clone();
                if addrs.is_empty() {
                    return (StatusCode::BAD_GATEWAY, Bytes::new());
                }
                let to = addrs[next.fetch_add(1, Ordering::Relaxed) % addrs.len()];
                let mut req = client.post(format!("http://{to}{}", uri.path())).body(body);
                for (k, v) in &headers {
                    if k.as_str().starts_with("x-lark") || k == "content-type" {
                        req = req.header(k.as_str(), v.as_bytes());
                    }
                }
                match req.send().await {
                    Ok(r) => {
                        let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
                        (status, r.bytes().await.unwrap_or_default())
                    }
                    Err(_) => (StatusCode::BAD_GATEWAY, Bytes::new()),
                }
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/lark/webhook")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn webhook_calls_spread_over_three_replicas_are_answered_once_in_order() {
    let url = pg::fresh_db("webhook_calls_spread_over_three_replicas").await;
    let targets = Arc::new(Mutex::new(Vec::new()));
    let lb = balancer(targets.clone()).await;
    let mut f = fleet::start(3, &url, lark_sim::SimConfig::default(), Some(&lb)).await;
    *targets.lock().unwrap() = f.addrs();
    let chats = chats(6);
    f.seed_groups(&chats);
    let sent = fleet::flood(&f, &chats, 15);
    f.assert_all_answered_once_in_order(&sent).await;
    f.shutdown().await;
}

/// A TCP proxy in front of the database that can cut every connection and refuse new ones,
/// as a database restart does to its clients.
struct Cut {
    down: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Cut {
    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        if down {
            for c in self.conns.lock().unwrap().drain(..) {
                c.abort();
            }
        }
    }
}

async fn proxy(to: String) -> (u16, Cut) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let cut = Cut {
        down: Arc::new(AtomicBool::new(false)),
        conns: Arc::new(Mutex::new(Vec::new())),
    };
    let (down, conns) = (cut.down.clone(), cut.conns.clone());
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            if down.load(Ordering::SeqCst) {
                continue; // dropped: the client sees its connection reset
            }
            let to = to.clone();
            let task = tokio::spawn(async move {
                if let Ok(mut out) = tokio::net::TcpStream::connect(&to).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                }
            });
            conns.lock().unwrap().push(task.abort_handle());
        }
    });
    (port, cut)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn the_database_going_away_under_load_loses_nothing() {
    let url = pg::fresh_db("the_database_going_away_under_load_loses_nothing").await;
    // host:port of the real server, and the same URL through the proxy.
    let authority = url
        .split('@')
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap();
    let (port, cut) = proxy(authority.to_owned()).await;
    let proxied = url.replace(authority, &format!("127.0.0.1:{port}"));
    // Quick redelivery: events refused while the database is away come back within seconds.
    let sim = lark_sim::SimConfig {
        redelivery: lark_sim::RedeliveryPolicy {
            ack_timeout: Duration::from_millis(1500),
            schedule: vec![Duration::from_secs(1); 10],
        },
        ..lark_sim::SimConfig::default()
    };
    let mut f: Fleet = fleet::start(3, &format!("{proxied}?pool_timeout=2"), sim, None).await;
    let chats = chats(6);
    f.seed_groups(&chats);
    let mut sent = fleet::flood(&f, &chats, 5);
    cut.set_down(true);
    // Messages sent while the database is away: not acknowledged, so delivered again later.
    for (chat, more) in fleet::flood(&f, &chats, 3) {
        sent.get_mut(&chat).unwrap().extend(more);
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    cut.set_down(false);
    for (chat, more) in fleet::flood(&f, &chats, 5) {
        sent.get_mut(&chat).unwrap().extend(more);
    }
    // Exactly once; not in order: a message the platform redelivers after the outage comes
    // after later ones, for one gateway as for three.
    f.assert_all_answered_once(&sent, false).await;
    f.shutdown().await;
}
