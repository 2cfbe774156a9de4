//! `openclaw-bench --soak`: the gateway against lark-sim with faults, for a bounded time, and
//! what it lost. N messages over C group chats at a steady rate while lark-sim cuts a long
//! connection every N/drops messages, fails one message call in ten (5xx and 429 in turn) and
//! ignores every ACK (so every event is delivered twice), and the first gateway process is
//! killed with SIGKILL halfway and started again. Then, from the chat transcripts: messages
//! lost, replies doubled, order violations (a reply answering an earlier message than the
//! reply before it in its chat), replies per second, p99 latency, peak RSS of every gateway
//! process. With `--db-url`, the same again with `--replicas` gateways on PostgreSQL.
//!
//! It prints figures; nothing here asserts on them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::args::Args;
use crate::paths::Binaries;
use crate::rss;
use crate::sim::{Person, Sim};

const APP: &str = "cli_b3e4c5d6e7f80912";
const SECRET: &str = "bench-secret-5f1c2a";

/// One soak run's figures.
#[derive(Debug, Clone)]
pub struct SoakStats {
    pub name: String,
    pub messages: usize,
    pub lost: usize,
    pub doubled: usize,
    pub order_violations: usize,
    pub replies_per_s: f64,
    pub p99_ms: u64,
    pub peak_rss_mb: f64,
    pub drops: usize,
    pub failed_calls: usize,
    pub kills: usize,
    /// Messages answered after a later one of their chat.
    pub late: Vec<String>,
    /// Messages never answered.
    pub unanswered: Vec<String>,
}

/// The SQLite run, then (with `--db-url`) the PostgreSQL run; prints the table.
pub async fn run(bins: &Binaries, args: &Args) -> Result<()> {
    let mut rows = vec![run_one(bins, args, 1, None).await?];
    if let Some(url) = &args.db_url {
        rows.push(run_one(bins, args, args.replicas.max(1), Some(url)).await?);
    }
    println!(
        "\n| run | messages | lost | doubled | order violations | replies/s | p99 ms | peak RSS | socket drops | failed calls | kill -9 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {:.0} | {} | {:.1} MB | {} | {} | {} |",
            r.name,
            r.messages,
            r.lost,
            r.doubled,
            r.order_violations,
            r.replies_per_s,
            r.p99_ms,
            r.peak_rss_mb,
            r.drops,
            r.failed_calls,
            r.kills
        );
    }
    Ok(())
}

/// A gateway process and where it keeps its things.
struct Replica {
    child: Child,
    sampler: Option<rss::Sampler>,
    dir: PathBuf,
    db: Option<String>,
}

impl Replica {
    fn start(bin: &Path, dir: &Path, sim: &Sim, db: Option<&str>) -> Result<Replica> {
        std::fs::create_dir_all(dir)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut config = json!({
            "channels": { "lark": {
                "appId": APP, "appSecret": SECRET, "domain": sim.base,
                "dmPolicy": "open", "groupPolicy": "open", "requireMention": false,
                "typingIndicator": false,
                "rateLimits": { "appPerSecond": 1_000_000, "chatPerSecond": 1_000_000 },
            } },
            "agent": { "provider": "echo" },
            "gateway": { "port": port },
        });
        if let Some(url) = db {
            config["store"] = json!({ "url": url });
        }
        let path = dir.join("openclaw.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&config)?)?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("gateway.log"))?;
        let child = Command::new(bin)
            .args(["gateway", "run", "--config"])
            .arg(&path)
            .env("OPENCLAW_STATE_DIR", dir)
            .env("OPENCLAW_LOG_DIR", dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .context("starting openclaw")?;
        let pid = child.id().context("openclaw exited at once")?;
        Ok(Replica {
            child,
            sampler: Some(rss::Sampler::start(pid)),
            dir: dir.to_owned(),
            db: db.map(str::to_owned),
        })
    }
}

async fn run_one(bins: &Binaries, args: &Args, n: usize, db: Option<&str>) -> Result<SoakStats> {
    let name = match db {
        Some(_) => format!("{n} replicas, PostgreSQL"),
        None => "1 gateway, SQLite".to_owned(),
    };
    println!("\n== soak: {name} ==");
    let tmp = tempfile::Builder::new()
        .prefix("openclaw-soak-")
        .tempdir()?;
    let dir = tmp.path().to_owned();
    // Quick reconnects and one redelivery 1 s after an unacknowledged push.
    let sim = Sim::start_with(
        &bins.lark_sim,
        &dir.join("lark-sim.log"),
        &[
            "--reconnect-nonce",
            "1",
            "--reconnect-interval",
            "1",
            "--ack-timeout-ms",
            "1000",
            "--redelivery-ms",
            "1000",
        ],
    )
    .await?;
    sim.create_app(APP, SECRET).await?;
    let user = Person {
        open_id: "ou_soak".into(),
        name: "Soak".into(),
    };
    let mut chats = Vec::new();
    for c in 0..args.chats.max(1) {
        chats.push(sim.create_chat(APP, &format!("soak {c}"), &user).await?);
    }
    let mut replicas = Vec::new();
    for i in 0..n {
        replicas.push(Replica::start(
            &bins.openclaw,
            &dir.join(format!("r{i}")),
            &sim,
            db,
        )?);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while sim.connections(APP).await? < n as u64 {
        if Instant::now() > deadline {
            bail!(
                "the gateways did not all connect in 60 s; see {}",
                dir.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sim.withhold_acks(APP, true).await?;

    let sim = Arc::new(sim);
    let total = args.messages;
    let drop_every = (total / args.drops.max(1)).max(1);
    let mut sent: Vec<(usize, String)> = Vec::with_capacity(total);
    let (mut drops, mut fails, mut kills) = (0, 0, 0);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate.max(1.0)));
    let started = Instant::now();
    let mut injecting = tokio::task::JoinSet::new();
    for i in 0..total {
        tick.tick().await;
        let chat = i % chats.len();
        let (s, c, u) = (sim.clone(), chats[chat].clone(), user.clone());
        injecting.spawn(async move {
            (
                i,
                chat,
                s.user_sends(APP, &c, &u, &format!("soak {i}")).await,
            )
        });
        if i % drop_every == drop_every / 2 && drops < args.drops {
            sim.drop_connection(APP).await.ok();
            drops += 1;
        }
        if i % 10 == 5 {
            let (status, code) = if fails % 2 == 0 {
                (500, 1)
            } else {
                (429, 99991400)
            };
            sim.fail_next("/open-apis/im/v1/messages", 1, status, code)
                .await?;
            fails += 1;
        }
        if i == total / 2 {
            // SIGKILL mid-load, then the same replica started again.
            let r = &mut replicas[0];
            r.child.kill().await.ok();
            let (d, db) = (r.dir.clone(), r.db.clone());
            let old =
                std::mem::replace(r, Replica::start(&bins.openclaw, &d, &sim, db.as_deref())?);
            replicas.push(old);
            kills += 1;
        }
    }
    while let Some(done) = injecting.join_next().await {
        let (i, chat, id) = done?;
        sent.push((i, format!("{chat}:{}", id?)));
    }
    sent.sort();
    println!(
        "  injected {total} messages in {:.1} s; waiting for the replies",
        started.elapsed().as_secs_f64()
    );

    // message id -> (chat, index within its chat)
    let mut index: HashMap<String, (usize, usize)> = HashMap::new();
    let mut per_chat = vec![0usize; chats.len()];
    for (_, key) in &sent {
        let (chat, id) = key.split_once(':').unwrap_or_default();
        let chat: usize = chat.parse().unwrap_or(0);
        index.insert(id.to_owned(), (chat, per_chat[chat]));
        per_chat[chat] += 1;
    }
    let wait_until = Instant::now() + Duration::from_secs(args.reply_timeout);
    let mut transcripts;
    loop {
        transcripts = read_all(&sim, &chats).await?;
        let answered = count_answered(&transcripts, &index);
        if answered >= total || Instant::now() > wait_until {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(args.settle_ms)).await;
    transcripts = read_all(&sim, &chats).await?;
    let mut stats = figures(&transcripts, &index, total);
    explain(&sim, "answered late", &stats.late).await;
    explain(&sim, "never answered", &stats.unanswered).await;
    let mut peak = 0u64;
    for r in replicas.iter_mut() {
        if let Some(s) = r.sampler.take() {
            peak = peak.max(s.finish().await);
        }
        r.child.kill().await.ok();
    }
    let failed_calls = sim
        .calls(APP)
        .await?
        .iter()
        .filter(|c| c["status"].as_u64() != Some(200))
        .count();
    stats.name = name;
    stats.peak_rss_mb = rss::mb(peak);
    stats.drops = drops;
    stats.failed_calls = failed_calls;
    stats.kills = kills;
    if args.keep {
        println!("  logs kept in {}", tmp.keep().display());
    }
    println!(
        "  lost {}, doubled {}, order violations {}",
        stats.lost, stats.doubled, stats.order_violations
    );
    Ok(stats)
}

/// How the first few messages answered out of order were delivered: their attempts, relative
/// to the message's creation (a first push lost with a dropped socket shows as a second attempt
/// seconds later, after the chat's next message was answered).
async fn explain(sim: &Sim, what: &str, late: &[String]) {
    if late.is_empty() {
        return;
    }
    let Ok(deliveries) = sim.deliveries(APP).await else {
        return;
    };
    for id in late.iter().take(5) {
        let Some(d) = deliveries
            .iter()
            .find(|d| d["body"]["event"]["message"]["message_id"] == id.as_str())
        else {
            continue;
        };
        let created = d["created_ms"].as_u64().unwrap_or(0);
        let attempts: Vec<String> = d["attempts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                format!(
                    "+{} ms on connection {} ({})",
                    a["at_ms"].as_u64().unwrap_or(0).saturating_sub(created),
                    a["connection_id"],
                    a["outcome"]
                )
            })
            .collect();
        println!(
            "  {what}: {id} (created at {created} ms): {}",
            attempts.join(", ")
        );
    }
}

async fn read_all(sim: &Sim, chats: &[String]) -> Result<Vec<Vec<Value>>> {
    let mut out = Vec::with_capacity(chats.len());
    for c in chats {
        out.push(sim.chat_messages(APP, c).await?);
    }
    Ok(out)
}

fn replies(t: &[Vec<Value>]) -> impl Iterator<Item = &Value> {
    t.iter()
        .flatten()
        .filter(|m| m["sender"]["sender_type"] == "app")
}

fn count_answered(t: &[Vec<Value>], index: &HashMap<String, (usize, usize)>) -> usize {
    let mut seen = std::collections::HashSet::new();
    for r in replies(t) {
        if let Some(p) = r["parent_id"].as_str().filter(|p| index.contains_key(*p)) {
            seen.insert(p.to_owned());
        }
    }
    seen.len()
}

fn ms(v: &Value) -> u64 {
    v["create_time"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn figures(t: &[Vec<Value>], index: &HashMap<String, (usize, usize)>, total: usize) -> SoakStats {
    let created: HashMap<&str, u64> = t
        .iter()
        .flatten()
        .filter(|m| m["sender"]["sender_type"] != "app")
        .filter_map(|m| Some((m["message_id"].as_str()?, ms(m))))
        .collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    let mut latencies = Vec::new();
    let mut order_violations = 0;
    let mut late = Vec::new();
    let (mut first, mut last) = (u64::MAX, 0u64);
    for chat in t {
        let mut prev: Option<usize> = None;
        for r in chat.iter().filter(|m| m["sender"]["sender_type"] == "app") {
            let Some(parent) = r["parent_id"].as_str() else {
                continue;
            };
            let Some(&(_, pos)) = index.get(parent) else {
                continue;
            };
            let n = count.entry(parent.to_owned()).or_default();
            *n += 1;
            if *n > 1 {
                continue;
            }
            if prev.is_some_and(|p| pos < p) {
                order_violations += 1;
                late.push(parent.to_owned());
            }
            prev = Some(pos);
            let at = created.get(parent).copied().unwrap_or(0);
            latencies.push(ms(r).saturating_sub(at));
            first = first.min(at);
            last = last.max(ms(r));
        }
    }
    latencies.sort_unstable();
    let p99 = latencies
        .get((latencies.len() * 99).div_ceil(100).saturating_sub(1))
        .copied()
        .unwrap_or(0);
    let answered = count.len();
    let secs = (last.saturating_sub(first)) as f64 / 1000.0;
    SoakStats {
        name: String::new(),
        messages: total,
        lost: total - answered.min(total),
        doubled: count.values().filter(|n| **n > 1).count(),
        order_violations,
        replies_per_s: if secs > 0.0 {
            answered as f64 / secs
        } else {
            0.0
        },
        p99_ms: p99,
        peak_rss_mb: 0.0,
        drops: 0,
        failed_calls: 0,
        kills: 0,
        late,
        unanswered: index
            .keys()
            .filter(|id| !count.contains_key(*id))
            .cloned()
            .collect(),
    }
}
