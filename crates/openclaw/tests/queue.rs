//! Queue modes and `/stop`, with `openclaw gateway run` against lark-sim and a slow `command`
//! agent that records each turn's JSON and its pid, then waits for the test to let it answer:
//! `collect` answers the messages sent during a turn in one more turn (the same batch again
//! after a `kill -9`), `/stop` and `interrupt` kill the running command, the reply says
//! stopped, nothing else is sent for it, and a restart does not run it again.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use serde_json::Value;

/// The agent: turn N's JSON goes to `turn-N.json` and its pid to `pid-N`; it answers
/// `answered turn N` once `go-N` exists.
fn gated_agent(dir: &Path) -> String {
    let d = s(dir);
    let script = format!(
        "n=$(ls '{d}' | grep -c '^turn-'); n=$((n+1)); cat > '{d}/t.tmp'; echo $$ > '{d}/pid-'$n; \
         mv '{d}/t.tmp' '{d}/turn-'$n'.json'; \
         while [ ! -e '{d}/go-'$n ]; do sleep 0.05; done; printf 'answered turn %s' $n"
    );
    format!(
        "agent: {{ provider: \"command\", command: [\"sh\", \"-c\", {}], timeoutSeconds: 120 }}",
        serde_json::to_string(&script).unwrap()
    )
}

struct Turns(PathBuf);

impl Turns {
    fn new(env: &TestEnv) -> Turns {
        let dir = path_in(env, "turns");
        std::fs::create_dir_all(&dir).unwrap();
        Turns(dir)
    }

    fn count(&self) -> usize {
        std::fs::read_dir(&self.0)
            .unwrap()
            .filter(|e| {
                let e = e.as_ref().unwrap().file_name();
                let name = e.to_string_lossy();
                name.starts_with("turn-") && name.ends_with(".json")
            })
            .count()
    }

    async fn started(&self, n: usize) -> Value {
        let path = self.0.join(format!("turn-{n}.json"));
        bounded(&format!("turn {n} to start"), || path.exists()).await;
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn go(&self, n: usize) {
        std::fs::write(self.0.join(format!("go-{n}")), "").unwrap();
    }

    fn pid(&self, n: usize) -> u32 {
        let text = std::fs::read_to_string(self.0.join(format!("pid-{n}"))).unwrap();
        text.trim().parse().unwrap()
    }
}

/// Polls (every 20 ms) until `done`; fails after [`WAIT`] naming `what`.
async fn bounded(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not after {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Whether the process is gone (or a zombie nobody reaped yet: it runs no more).
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Waits until lark-sim saw the gateway acknowledge the event (it is recorded).
async fn recorded(sim: &lark_sim::Sim, m: &lark_sim::Injected) {
    let d = sim
        .state()
        .wait_delivery(APP, &m.event_id, WAIT)
        .await
        .unwrap();
    assert_eq!(d.status, lark_sim::DeliveryStatus::Acked, "{d:#?}");
}

fn ids(turn: &Value) -> Vec<String> {
    turn["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| m["messageId"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn start(env: &TestEnv, sim: &lark_sim::Sim, turns: &Turns, queue: &str) -> Gateway {
    let top = format!(
        "{}, messages: {{ queue: {{ {queue} }} }}",
        gated_agent(&turns.0)
    );
    env.write_config(&config(sim.base_url(), "dmPolicy: \"open\"", &top));
    run_ws_gateway(env, sim, &[]).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_answers_what_came_during_a_turn_in_one_batch_even_across_a_kill() {
    let sim = sim().await;
    let state = sim.state();
    let env = TestEnv::new();
    let turns = Turns::new(&env);
    let mut gw = start(&env, &sim, &turns, "mode: \"collect\", debounceMs: 200").await;
    let chat = "oc_dm_collect";
    seed_dm(state, APP, chat, "ou_collect");

    let first = say(state, APP, chat, "ou_collect", "message 1");
    let t1 = turns.started(1).await;
    assert!(ids(&t1).is_empty(), "a message alone is a plain turn: {t1}");
    let mut rest = Vec::new();
    for i in 2..=5 {
        let m = say(state, APP, chat, "ou_collect", &format!("message {i}"));
        recorded(&sim, &m).await;
        rest.push(m);
    }
    turns.go(1);
    let r = wait_replies(state, APP, chat, &first.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "answered turn 1");

    let t2 = turns.started(2).await;
    let want: Vec<String> = rest.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids(&t2), want, "one turn names the four: {t2}");
    assert_eq!(t2["messageId"], want[3].as_str(), "{t2}");
    let text = t2["text"].as_str().unwrap();
    for i in 2..=5 {
        assert!(text.contains(&format!("message {i}")), "{text}");
    }

    // Killed mid-batch: the restart runs the same batch, answered once.
    gw.kill9().await;
    bounded("the sim to see the connection drop", || {
        state.connection_count(APP) == 0
    })
    .await;
    let mut gw = start(&env, &sim, &turns, "mode: \"collect\", debounceMs: 200").await;
    let t3 = turns.started(3).await;
    assert_eq!(ids(&t3), want, "the same batch again: {t3}");
    turns.go(3);
    let last = &rest[3].message_id;
    let r = wait_replies(state, APP, chat, last, 1).await;
    assert_eq!(text_of(&r[0]), "answered turn 3");

    // A later message is the next turn: nothing of the batch was left to run again.
    turns.go(4);
    let next = say(state, APP, chat, "ou_collect", "message 6");
    wait_replies(state, APP, chat, &next.message_id, 1).await;
    assert_eq!(turns.count(), 4);
    let bot = bot_messages(state, APP, chat);
    assert_eq!(bot.len(), 3, "one reply per turn: {bot:#?}");
    for m in &rest[..3] {
        assert!(replies_to(state, APP, chat, &m.message_id).is_empty());
    }
    turns.go(2); // lets the killed gateway's orphaned command end
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_kills_the_running_command_and_a_restart_does_not_run_it_again() {
    let sim = sim().await;
    let state = sim.state();
    let env = TestEnv::new();
    let turns = Turns::new(&env);
    let mut gw = start(&env, &sim, &turns, "mode: \"followup\"").await;
    let chat = "oc_dm_stop";
    seed_dm(state, APP, chat, "ou_stop");

    let m = say(state, APP, chat, "ou_stop", "write me a novel");
    turns.started(1).await;
    let pid = turns.pid(1);
    assert!(!gone(pid));
    let stop = say(state, APP, chat, "ou_stop", "/stop");
    let r = wait_replies(state, APP, chat, &m.message_id, 1).await;
    assert!(text_of(&r[0]).contains("Stopped"), "{r:#?}");
    bounded("the agent's process to be killed", || gone(pid)).await;

    // With nothing running, /stop says so; the first /stop got no reply of its own.
    let again = say(state, APP, chat, "ou_stop", "stop");
    let r = wait_replies(state, APP, chat, &again.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "Nothing is running.");
    assert!(replies_to(state, APP, chat, &stop.message_id).is_empty());

    gw.kill9().await;
    bounded("the sim to see the connection drop", || {
        state.connection_count(APP) == 0
    })
    .await;
    let mut gw = start(&env, &sim, &turns, "mode: \"followup\"").await;
    turns.go(2);
    let next = say(state, APP, chat, "ou_stop", "something short");
    let r = wait_replies(state, APP, chat, &next.message_id, 1).await;
    assert_eq!(
        text_of(&r[0]),
        "answered turn 2",
        "the stopped turn did not run again"
    );
    assert_eq!(turns.count(), 2);
    assert_eq!(replies_to(state, APP, chat, &m.message_id).len(), 1);
    assert_eq!(bot_messages(state, APP, chat).len(), 3);
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_stops_the_running_turn_and_one_turn_answers_both_messages() {
    let sim = sim().await;
    let state = sim.state();
    let env = TestEnv::new();
    let turns = Turns::new(&env);
    let mut gw = start(&env, &sim, &turns, "mode: \"interrupt\"").await;
    let chat = "oc_dm_interrupt";
    seed_dm(state, APP, chat, "ou_int");

    let first = say(state, APP, chat, "ou_int", "plan the offsite");
    turns.started(1).await;
    let pid = turns.pid(1);
    let second = say(state, APP, chat, "ou_int", "actually, plan it for June");
    let r = wait_replies(state, APP, chat, &first.message_id, 1).await;
    assert!(text_of(&r[0]).contains("Stopped"), "{r:#?}");
    bounded("the interrupted process to be killed", || gone(pid)).await;

    let t2 = turns.started(2).await;
    assert_eq!(
        ids(&t2),
        [first.message_id.clone(), second.message_id.clone()],
        "{t2}"
    );
    turns.go(2);
    let r = wait_replies(state, APP, chat, &second.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "answered turn 2");

    gw.kill9().await;
    bounded("the sim to see the connection drop", || {
        state.connection_count(APP) == 0
    })
    .await;
    let mut gw = start(&env, &sim, &turns, "mode: \"interrupt\"").await;
    turns.go(3);
    let next = say(state, APP, chat, "ou_int", "thanks");
    wait_replies(state, APP, chat, &next.message_id, 1).await;
    assert_eq!(turns.count(), 3, "nothing ran again");
    assert_eq!(replies_to(state, APP, chat, &first.message_id).len(), 1);
    assert_eq!(replies_to(state, APP, chat, &second.message_id).len(), 1);
    gw.stop().await;
}
