//! The budgets on a paused clock: what goes at once, what waits, and for how long.

use super::*;

const SEND: &str = "/open-apis/im/v1/messages";

fn send_key(l: &Limiters, chat: &str) -> Key {
    l.key(&Method::POST, SEND, Some(chat)).unwrap()
}

fn reaction_key(l: &Limiters) -> Key {
    l.key(
        &Method::POST,
        "/open-apis/im/v1/messages/om_1/reactions",
        None,
    )
    .unwrap()
}

/// Takes and releases a slot at once, like a call whose answer comes back immediately.
async fn call(l: &Limiters, key: &Key) -> Duration {
    let started = Instant::now();
    drop(l.acquire(Some(key)).await);
    started.elapsed()
}

#[tokio::test(start_paused = true)]
async fn a_burst_up_to_the_per_second_figure_goes_at_once_then_the_second_slides() {
    let l = Limiters::new(RateLimits {
        chat_per_second: 1000,
        ..RateLimits::default()
    });
    let chats: Vec<String> = (0..60).map(|i| format!("oc_{i}")).collect();
    for chat in &chats[..50] {
        assert_eq!(call(&l, &send_key(&l, chat)).await, Duration::ZERO);
    }
    assert_eq!(l.waits(), 0, "fifty sends in a burst wait for nothing");
    let waited = call(&l, &send_key(&l, &chats[50])).await;
    assert_eq!(
        waited,
        Duration::from_secs(1),
        "the 51st waits for the first to age out"
    );
    assert_eq!(l.waits(), 1);
}

#[tokio::test(start_paused = true)]
async fn one_chat_gets_five_a_second_and_other_chats_and_families_are_not_held_up() {
    let l = Limiters::new(RateLimits::default());
    for _ in 0..5 {
        assert_eq!(call(&l, &send_key(&l, "oc_busy")).await, Duration::ZERO);
    }
    let other = call(&l, &send_key(&l, "oc_quiet")).await;
    let reaction = call(&l, &reaction_key(&l)).await;
    assert_eq!((other, reaction), (Duration::ZERO, Duration::ZERO));
    assert_eq!(
        call(&l, &send_key(&l, "oc_busy")).await,
        Duration::from_secs(1)
    );
}

#[tokio::test(start_paused = true)]
async fn a_reply_counts_on_the_chat_of_the_message_it_answers() {
    let l = Limiters::new(RateLimits::default());
    l.chats.learn("om_a", "oc_same");
    l.chats.learn("om_b", "oc_same");
    let reply = |m: &str| {
        l.key(
            &Method::POST,
            &format!("/open-apis/im/v1/messages/{m}/reply"),
            Some(m),
        )
        .unwrap()
    };
    for _ in 0..3 {
        call(&l, &reply("om_a")).await;
    }
    for _ in 0..2 {
        call(&l, &send_key(&l, "oc_same")).await;
    }
    assert_eq!(
        call(&l, &reply("om_b")).await,
        Duration::from_secs(1),
        "replies to two messages and sends share the chat's five"
    );
    assert_eq!(call(&l, &reply("om_unknown")).await, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_slot_held_by_a_call_in_flight_opens_a_second_after_its_answer() {
    let l = Limiters::new(RateLimits::default());
    let key = send_key(&l, "oc_slow");
    let held: Vec<Permit> = futures::future::join_all((0..5).map(|_| l.acquire(Some(&key))))
        .await
        .into_iter()
        .flatten()
        .collect();
    let waiter = async {
        let started = Instant::now();
        let _p = l.acquire(Some(&key)).await;
        started.elapsed()
    };
    let answer = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(held);
    };
    let (waited, ()) = tokio::join!(waiter, answer);
    assert_eq!(waited, Duration::from_millis(1300));
}

#[tokio::test(start_paused = true)]
async fn the_per_minute_figure_holds_a_long_burst_to_a_thousand_a_minute() {
    let l = Limiters::new(RateLimits {
        chat_per_second: 1_000_000,
        ..RateLimits::default()
    });
    let started = Instant::now();
    for i in 0..1001 {
        call(&l, &send_key(&l, &format!("oc_{}", i % 20))).await;
    }
    // 50 a second for 20 s fill the minute; the 1001st waits for the first to age a minute.
    assert_eq!(started.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn a_refused_family_waits_what_the_platform_said_and_the_rest_carry_on() {
    let l = Limiters::new(RateLimits::default());
    let send = send_key(&l, "oc_x");
    call(&l, &send).await;
    l.pause(&send, Duration::from_secs(3));
    assert_eq!(call(&l, &reaction_key(&l)).await, Duration::ZERO);
    assert_eq!(
        call(&l, &send_key(&l, "oc_y")).await,
        Duration::from_secs(3)
    );
}

#[tokio::test(start_paused = true)]
async fn raised_limits_scale_every_family_and_a_million_is_no_limit() {
    let l = Limiters::new(RateLimits {
        app_per_second: 1_000_000,
        chat_per_second: 1_000_000,
    });
    for _ in 0..5000 {
        call(&l, &send_key(&l, "oc_one")).await;
        call(&l, &reaction_key(&l)).await;
    }
    assert_eq!(l.waits(), 0);
    let doubled = RateLimits {
        app_per_second: 100,
        chat_per_second: 5,
    };
    assert_eq!(doubled.figures(Family::Send).per_second, 100);
    assert_eq!(doubled.figures(Family::Send).per_minute, Some(2000));
    assert_eq!(doubled.figures(Family::DocxWrite).per_second, 6);
    assert_eq!(
        RateLimits::default().figures(Family::Send).per_resource,
        Some(5)
    );
}

#[tokio::test(start_paused = true)]
async fn per_resource_budgets_of_cards_and_documents() {
    let l = Limiters::new(RateLimits::default());
    let card = |c: &str| {
        l.key(
            &Method::PUT,
            &format!("/open-apis/cardkit/v1/cards/{c}/elements/e/content"),
            None,
        )
        .unwrap()
    };
    for _ in 0..10 {
        assert_eq!(call(&l, &card("c1")).await, Duration::ZERO);
    }
    assert_eq!(call(&l, &card("c2")).await, Duration::ZERO);
    assert_eq!(call(&l, &card("c1")).await, Duration::from_secs(1));
    let token = l.key(
        &Method::POST,
        "/open-apis/auth/v3/tenant_access_token/internal",
        None,
    );
    assert!(token.is_none(), "access tokens count against nothing");
    assert!(l.acquire(None).await.is_none());
}

#[test]
fn absurd_limits_do_not_panic() {
    for n in [0, 1, u32::MAX] {
        let l = Limiters::new(RateLimits {
            app_per_second: n,
            chat_per_second: n,
        });
        assert!(l.key(&Method::POST, SEND, Some("oc_1")).is_some());
    }
}

#[tokio::test(start_paused = true)]
async fn a_family_is_low_below_a_fifth_of_a_window_and_while_paused() {
    let l = Limiters::new(RateLimits::default());
    let key = reaction_key(&l);
    assert_eq!(l.remaining(Family::ReactionAdd), Some(50));
    assert!(!l.is_low(Family::ReactionAdd));
    for _ in 0..40 {
        call(&l, &key).await;
    }
    assert_eq!(l.remaining(Family::ReactionAdd), Some(10));
    assert!(
        !l.is_low(Family::ReactionAdd),
        "a fifth left is not low yet"
    );
    call(&l, &key).await;
    assert!(l.is_low(Family::ReactionAdd), "under a fifth left");
    assert!(!l.is_low(Family::ReactionRemove), "each family on its own");
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(
        l.remaining(Family::ReactionAdd),
        Some(50),
        "the second slid"
    );
    // 861 calls in the minute: the second's fifty still fit in the 139 left, but that is low.
    for _ in 0..20 {
        for _ in 0..41 {
            call(&l, &key).await;
        }
        tokio::time::advance(Duration::from_secs(1)).await;
    }
    assert_eq!(l.remaining(Family::ReactionAdd), Some(50));
    assert!(
        l.is_low(Family::ReactionAdd),
        "139 of the minute's 1000 left"
    );
    l.pause(&key, Duration::from_secs(5));
    assert_eq!(l.remaining(Family::ReactionAdd), Some(0));
    let unlimited = Limiters::new(RateLimits {
        app_per_second: 1_000_000,
        chat_per_second: 5,
    });
    assert_eq!(unlimited.remaining(Family::ReactionAdd), None);
    assert!(!unlimited.is_low(Family::ReactionAdd));
}
