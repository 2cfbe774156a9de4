//! TLS to PostgreSQL, against the TLS-only server `scripts/test` starts
//! (`scripts/pg-setup start --ssl`: `OPENCLAW_TEST_PG_SSL_URL`, and `OPENCLAW_TEST_PG_SSL_CA`,
//! the PEM of the throwaway CA that signed its certificate for localhost and 127.0.0.1). Its
//! pg_hba.conf allows TCP only with TLS, and its database `certonly` only with a client
//! certificate (`OPENCLAW_TEST_PG_SSL_CLIENT_CERT` and `_KEY`, signed by the same CA).
//! `#[ignore]`d unless asked for, as `scripts/test` does.

use openclaw_gateway::store::{Claim, EventStatus, NewEvent, PostgresStore, Store, now_ms};

const URL_ENV: &str = "OPENCLAW_TEST_PG_SSL_URL";
const CA_ENV: &str = "OPENCLAW_TEST_PG_SSL_CA";

/// The server's URL (with a password the server ignores, to check it never shows) and the
/// CA's path. The tests that call this are `#[ignore]`d unless asked for; asked for without
/// the server, they fail.
fn server(test: &str) -> (String, String) {
    let url = std::env::var(URL_ENV).unwrap_or_else(|_| {
        panic!(
            "{test} needs {URL_ENV}: scripts/test starts a TLS-only PostgreSQL with \
             `scripts/pg-setup start --ssl` and sets it"
        )
    });
    let ca = std::env::var(CA_ENV)
        .unwrap_or_else(|_| panic!("{URL_ENV} is set but {CA_ENV} (the CA's PEM) is not"));
    let url = url.replacen("://openclaw@", "://openclaw:hunter2@", 1);
    assert!(url.contains("hunter2"), "{url}");
    (url, ca)
}

/// `url` with `params` added to its query (and a short pool timeout, for the failures).
fn with(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}pool_timeout=5&{params}")
}

/// Connects and checks the store works over the connection: a claim, then the chat's next.
async fn works(url: &str) {
    let s = PostgresStore::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect {}: {e}", url.replace("hunter2", "***")));
    let id = uuid::Uuid::new_v4().simple().to_string();
    let chat = format!("oc_tls_{id}");
    let e = NewEvent {
        account: "default".into(),
        event_id: format!("ev_{id}"),
        message_id: Some(format!("om_{id}")),
        event_type: "im.message.receive_v1".into(),
        chat_key: Some(chat.clone()),
        payload: "{}".into(),
        received_at_ms: now_ms(),
        created_at_ms: None,
        status: EventStatus::Received,
    };
    assert_eq!(s.claim(e).await.unwrap(), Claim::New);
    let next = s.next_open("default", &chat).await.unwrap().unwrap();
    assert_eq!(next.event_id, format!("ev_{id}"));
}

/// The start-up error for `url`, checked to carry no password.
async fn fails(url: &str) -> String {
    let err = PostgresStore::connect(url).await.unwrap_err().to_string();
    assert!(!err.contains("hunter2"), "the password shows: {err}");
    eprintln!("as expected: {err}");
    err
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn verify_full_with_the_ca_connects_and_the_store_works() {
    let (url, ca) = server("verify_full_with_the_ca_connects_and_the_store_works");
    works(&with(
        &url,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .await;
    // By name too: the certificate holds localhost as well as 127.0.0.1.
    let by_name = url.replacen("@127.0.0.1:", "@localhost:", 1);
    works(&with(
        &by_name,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .await;
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn verify_full_without_the_ca_fails_clearly() {
    let (url, _) = server("verify_full_without_the_ca_fails_clearly");
    for mode in ["verify-full", "verify-ca"] {
        let err = fails(&with(&url, &format!("sslmode={mode}"))).await;
        assert!(err.contains("not trusted"), "{err}");
        assert!(err.contains("sslrootcert"), "{err}");
        assert!(err.contains("openclaw:<redacted>@127.0.0.1"), "{err}");
    }
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let (url, ca) = server("verify_full_checks_the_host_name_and_verify_ca_does_not");
    // The same server under a name its certificate does not hold.
    let other = format!(
        "{}?hostaddr=127.0.0.1",
        url.replacen("@127.0.0.1:", "@db.example.invalid:", 1)
    );
    let err = fails(&with(
        &other,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .await;
    assert!(err.contains("not valid for host"), "{err}");
    assert!(err.contains("db.example.invalid"), "{err}");
    works(&with(
        &other,
        &format!("sslmode=verify-ca&sslrootcert={ca}"),
    ))
    .await;
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn require_and_prefer_connect_without_the_ca() {
    let (url, _) = server("require_and_prefer_connect_without_the_ca");
    works(&with(&url, "sslmode=require")).await;
    // prefer (also the default) takes TLS when the server offers it.
    works(&with(&url, "sslmode=prefer")).await;
    works(&url).await;
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn a_unix_socket_ignores_sslmode_as_libpq_does() {
    let (url, _) = server("a_unix_socket_ignores_sslmode_as_libpq_does");
    let dir = std::env::var("OPENCLAW_TEST_PG_SSL_DIR")
        .unwrap_or_else(|_| panic!("{URL_ENV} is set but OPENCLAW_TEST_PG_SSL_DIR is not"));
    let sock = format!("{dir}/sock").replace('/', "%2F");
    let url = url.replacen("@127.0.0.1:", &format!("@{sock}:"), 1);
    works(&with(&url, "sslmode=require")).await;
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn disable_against_a_tls_only_server_fails_clearly() {
    let (url, _) = server("disable_against_a_tls_only_server_fails_clearly");
    let err = fails(&with(&url, "sslmode=disable")).await;
    assert!(err.contains("refused the connection"), "{err}");
    assert!(err.contains("no encryption"), "{err}");
    assert!(err.contains("sslmode=verify-full"), "{err}");
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn a_bad_sslrootcert_is_a_clear_start_up_error() {
    let (url, _) = server("a_bad_sslrootcert_is_a_clear_start_up_error");
    let err = fails(&with(
        &url,
        "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
    ))
    .await;
    assert!(err.contains("sslrootcert /nonexistent/ca.pem"), "{err}");
    let empty = tempfile::NamedTempFile::new().unwrap();
    let err = fails(&with(
        &url,
        &format!("sslmode=verify-full&sslrootcert={}", empty.path().display()),
    ))
    .await;
    assert!(err.contains("no PEM certificate"), "{err}");
    let err = fails(&with(&url, "sslmode=verify")).await;
    assert!(err.contains("sslmode must be"), "{err}");
}

/// The client certificate's and key's paths.
fn client_files() -> (String, String) {
    let get =
        |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{URL_ENV} is set but {k} is not"));
    (
        get("OPENCLAW_TEST_PG_SSL_CLIENT_CERT"),
        get("OPENCLAW_TEST_PG_SSL_CLIENT_KEY"),
    )
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn a_client_certificate_opens_a_database_that_requires_one() {
    let (url, ca) = server("a_client_certificate_opens_a_database_that_requires_one");
    let (cert, key) = client_files();
    let certonly = url.replacen("/postgres", "/certonly", 1);
    let verified = format!("sslmode=verify-full&sslrootcert={ca}");
    works(&with(
        &certonly,
        &format!("{verified}&sslcert={cert}&sslkey={key}"),
    ))
    .await;
    // Without it the server says no, and the error says so.
    let err = fails(&with(&certonly, &verified)).await;
    assert!(err.contains("add sslcert=PATH and sslkey=PATH"), "{err}");
}

#[tokio::test]
#[ignore = "needs the TLS-only PostgreSQL of scripts/pg-setup start --ssl (scripts/test starts it and runs these)"]
async fn a_client_certificate_needs_both_readable_files() {
    let (url, ca) = server("a_client_certificate_needs_both_readable_files");
    let (cert, key) = client_files();
    let verified = format!("sslmode=verify-full&sslrootcert={ca}");
    let err = fails(&with(&url, &format!("{verified}&sslcert={cert}"))).await;
    assert!(err.contains("sslcert needs sslkey"), "{err}");
    let err = fails(&with(
        &url,
        &format!("{verified}&sslcert=/nonexistent/c.pem&sslkey={key}"),
    ))
    .await;
    assert!(err.contains("sslcert /nonexistent/c.pem"), "{err}");
    // A certificate given where a key belongs: named, and nothing of the file shown.
    let err = fails(&with(
        &url,
        &format!("{verified}&sslcert={cert}&sslkey={cert}"),
    ))
    .await;
    assert!(err.contains(&format!("sslkey {cert}")), "{err}");
    assert!(!err.contains("BEGIN"), "{err}");
}
