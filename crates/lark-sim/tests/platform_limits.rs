//! `--platform-limits` as the official Node SDK sees it: a burst over a CardKit card's budget is
//! refused with HTTP 429, code 99991400 and the `x-ogw-ratelimit-*` headers, a burst over the
//! docx budget with HTTP 400 and the same code (as the docx pages say), and every call the budget
//! admits reaches its handler. Without the flag the same bursts are all admitted.

mod common;
mod support;

use common::Peer;
use lark_sim::SimConfig;
use serde_json::Value;
use support::*;

async fn run(platform_limits: bool) -> Value {
    let sim = sim_with(SimConfig {
        platform_limits,
        ..quick_config()
    })
    .await;
    let mut peer = Peer::node("limits.cjs", &[sim.base_url(), APP_ID, SECRET]);
    let out = peer.json(60).await;
    assert!(out.get("failed").is_none(), "the SDK run failed: {out}");
    out
}

/// The refusals among `calls`, checking that every other call reached its handler: it
/// succeeded, or (concurrent card updates arriving out of order) was refused for its sequence.
fn refused(calls: &Value, status: u64) -> Vec<&Value> {
    let calls = calls.as_array().expect("an array of outcomes");
    for c in calls {
        let ok = (c["status"] == 200 && c["code"] == 0) || c["code"] == 300317;
        let limited = c["status"] == status && c["code"] == 99991400;
        assert!(ok || limited, "neither admitted nor refused for rate: {c}");
    }
    calls.iter().filter(|c| c["code"] == 99991400).collect()
}

#[tokio::test]
async fn the_node_sdk_gets_99991400_with_the_reset_header_over_a_budget() {
    let out = run(true).await;
    let cards = refused(&out["cards"], 429);
    assert!(
        !cards.is_empty(),
        "30 updates of one card at once exceed 10/s: {out}"
    );
    for c in &cards {
        assert_eq!(c["msg"], "request trigger frequency limit");
        assert_eq!(c["limit"], "10");
        let reset: u64 = c["reset"].as_str().unwrap().parse().unwrap();
        assert_eq!(reset, 1, "whole seconds until a slot opens: {c}");
    }
    let docs = refused(&out["docs"], 400);
    assert!(!docs.is_empty(), "12 documents at once exceed 3/s: {out}");
    assert!(docs.iter().all(|d| d["limit"] == "3" && d["reset"] == "1"));
}

#[tokio::test]
async fn without_the_flag_the_same_bursts_are_admitted() {
    let out = run(false).await;
    assert!(refused(&out["cards"], 429).is_empty());
    assert!(refused(&out["docs"], 400).is_empty());
}
